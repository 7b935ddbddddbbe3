"use strict";
// The admin's citation form: the record is picked by name among records of the chosen type,
// with the admin's own select2 asking CitationAdmin's record search (data-url).
{
    const $ = django.jQuery;

    function pickRecords(select, recordType) {
        $(select).select2({
            allowClear: true,
            ajax: {
                url: select.dataset.url,
                dataType: "json",
                delay: 250,
                data: (params) => ({term: params.term, page: params.page, content_type: recordType.value}),
            },
        });
        // Another type makes the picked record meaningless: clear it.
        recordType.addEventListener("change", () => $(select).val(null).trigger("change"));
    }

    $(() => {
        const recordType = document.getElementById("id_content_type");
        document.querySelectorAll("select.citation-record").forEach((select) => pickRecords(select, recordType));
    });
}
