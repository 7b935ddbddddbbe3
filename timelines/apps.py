from django.apps import AppConfig


class TimelinesConfig(AppConfig):
    name = "timelines"
    verbose_name = "Timelines"

    def ready(self):
        from timelines import receivers

        # The other apps send signals and never import timelines; this is where it listens.
        receivers.connect()
