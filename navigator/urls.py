from django.contrib import admin
from django.urls import include, path, re_path

from screening.api.views.misc import not_found as api_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("screening.api.urls")),
    # Any other version or address under /api/ answers in the API's own JSON shape.
    re_path(r"^api/", api_not_found),
    path("", include("screening.urls")),
]
