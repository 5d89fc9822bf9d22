"""Who read what: one row per case view, per document download and per page of a list that
shows patients' names (history covers changes)."""

from django.conf import settings
from django.db import models


class AccessRecord(models.Model):
    class Action(models.TextChoices):
        VIEW_CASE = "view_case", "Viewed case"
        DOWNLOAD = "download", "Downloaded document"
        API_READ = "api_read", "Read through the API"
        READ_MESSAGES = "read_messages", "Read the patient's messages"
        ANSWER_MESSAGE = "answer_message", "Wrote to the patient"
        LIST_CASES = "list_cases", "Listed cases"
        LIST_DOCUMENTS = "list_documents", "Listed documents"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=20, choices=Action.choices)
    case = models.ForeignKey("screening.Case", null=True, on_delete=models.SET_NULL)
    document = models.ForeignKey("screening.Document", null=True, on_delete=models.SET_NULL)
    # Reads through the API (screening/api/) name the key, and so the organisation, not a user.
    api_key = models.ForeignKey("screening.ApiKey", null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # A list page (the case queue, the documents list): which page, with which search, filters
    # and page number, and the ids of the cases whose names it showed.
    page = models.CharField(max_length=200, blank=True)
    query = models.CharField(max_length=1000, blank=True)
    shown = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        who = self.user if self.user_id or not self.api_key_id else self.api_key
        return f"{who} {self.action} {self.at:%Y-%m-%d %H:%M}"
