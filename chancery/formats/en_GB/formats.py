"""British English as Django has it, but dates typed and shown short the one way Chancery's
forms take them: ISO (2017-02-28), the value of the browser's date input. Django 5 always
localises, so these override the locale's d/m/Y; the long DATE_FORMAT stays "28 Feb 2017",
the way the pages show a date."""

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M"]
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
