from django.contrib import admin
from django.urls import include, path, re_path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("screening.api.urls")),
    # Any other version or address under /api/ answers in the API's own JSON shape.
    re_path(r"^api/", include("screening.api.fallback_urls")),
    path("", include("screening.urls")),
]
