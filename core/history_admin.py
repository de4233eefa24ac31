"""The change history page of the admin (django-pghistory), fast at any size.

pghistory's page of all events computes, for every event of every tracked
table, the difference from the previous event before it sorts and cuts the
first page: seconds at a year of records. The list of all events therefore
shows when, what and which record, without the difference; the history of one
record (the "obj" filter, reached from the record) and an event's own page
still show it, as they read few events.
"""

from pghistory.admin import EventsAdmin

LIST_FIELDS = (
    "pgh_slug",
    "pgh_model",
    "pgh_id",
    "pgh_created_at",
    "pgh_label",
    "pgh_obj_model",
    "pgh_obj_id",
    "pgh_context_id",
)


class HistoryEventsAdmin(EventsAdmin):
    show_full_result_count = False

    def _one_record(self, request) -> bool:
        return "obj" in request.GET or (
            request.resolver_match is not None and "object_id" in request.resolver_match.kwargs
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if self._one_record(request) else queryset.only(*LIST_FIELDS)

    def get_list_display(self, request):
        if self._one_record(request):
            return super().get_list_display(request)
        return ["pgh_created_at", "pgh_label", "pgh_obj_model", "pgh_obj_id"]
