from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as DRFPageNumberPagination

from core.limits import numeric_string_error


class PageNumberPagination(DRFPageNumberPagination):
    """`page` and `page_size`; 100 by default and at most, as the contract says. An
    over-long or exponent-notation value of either is a 400 on that parameter."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 100

    def _check_number(self, request, name: str) -> None:
        problem = numeric_string_error(request.query_params.get(name))
        if problem:
            raise ValidationError({name: [problem]})

    def paginate_queryset(self, queryset, request, view=None):
        self._check_number(request, self.page_query_param)
        self._check_number(request, self.page_size_query_param)
        return super().paginate_queryset(queryset, request, view)
