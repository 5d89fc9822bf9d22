from django.urls import path

from screening import views
from screening.intake import views as intake_views
from screening.patient import views as status_views
from screening.summaries import views as summary_views

intake_wizard = intake_views.IntakeWizard.as_view(url_name="intake_step", done_step_name="done")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("status/<str:token>/", status_views.status_page, name="status"),
    path("status/<str:token>/messages/", status_views.send_message, name="status_message"),
    path("status/<str:token>/answers/", intake_views.printed_answers, name="status_answers"),
    path("status/<str:token>/answers.pdf", views.printed_answers_pdf, name="status_answers_pdf"),
    path("summary/<str:token>/", summary_views.summary_download, name="summary_download"),
    path("intake/submitted/", intake_views.intake_submitted, name="intake_submitted"),
    path("intake/save/", intake_views.intake_save, name="intake_save"),
    path("intake/save/sent/", intake_views.intake_saved, name="intake_saved"),
    path("intake/resume/<str:token>/", intake_views.intake_resume, name="intake_resume"),
    path("intake/<str:step>/", intake_wizard, name="intake_step"),
    path("intake/", intake_wizard, name="intake"),
]
