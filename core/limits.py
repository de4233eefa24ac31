"""Sizes shared by the REST API and the pages, so what one accepts the other can save."""

# Rows one list of a record may hold (violations of an inspection, victims of an
# accident, ...): the API's maximum list length and the pages' maximum formset size.
CHILD_ROWS_PER_LIST = 1000

# The widest child row of a page form, counting its hidden id and DELETE fields,
# and the most lists one page form holds (an inspection: seven).
FIELDS_PER_CHILD_ROW = 8
CHILD_LISTS_PER_FORM = 8

# What a page form at the limit sends: Django refuses more fields (TooManyFieldsSent).
FORM_FIELDS_AT_LIMIT = CHILD_ROWS_PER_LIST * FIELDS_PER_CHILD_ROW * CHILD_LISTS_PER_FORM + 1000
