from django.contrib import admin
from django.urls import include, path

from syncapp.api import docs as api_docs
from syncapp.api.api import api
from syncapp.core import views as core_views
from syncapp.crm import views as crm_views
from syncapp.integrations.urls import sandbox_urlpatterns
from syncapp.monitoring import views as monitoring_views

urlpatterns = [
    path("", crm_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("healthz/live", core_views.live, name="health-live"),
    path("healthz/ready", core_views.ready, name="health-ready"),
    path("metrics", monitoring_views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("syncapp.accounts.urls")),
    path("crm/", include("syncapp.crm.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("syncapp.integrations.urls")),
    path("", include("syncapp.health.urls")),
    path("", include("syncapp.syncs.urls")),
    path("", include("syncapp.audit.urls")),
    path("", include("syncapp.api.urls")),
    path("api/v1/docs", api_docs.reference, name="api-docs"),
    path("api/v1/", api.urls),
    path("", include("syncapp.alerts.urls")),
    path("", include("syncapp.webhooks.urls")),
    path("", include("syncapp.inbound.urls")),
]
urlpatterns += sandbox_urlpatterns
