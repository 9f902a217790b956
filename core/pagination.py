from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination


class PageNumberPagination(DRFPageNumberPagination):
    """`page` and `page_size`; 100 by default and at most, as the contract says."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 100
