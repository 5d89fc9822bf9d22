"""The API's OpenAPI schema and its browsable docs page, served from our own static files.

Swagger UI's files come from drf-spectacular-sidecar through staticfiles (no CDN), its start-up
script is a separate same-origin file (SpectacularSwaggerSplitView), and our template has no
inline script or style, so the page works under a strict Content-Security-Policy
(script-src 'self'; style-src 'self').
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    pass


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Describes the API key in the schema (and gives the docs page its Authorize button)."""

    target_class = "screening.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation's API key: `Authorization: Bearer nav_…`.",
        }
