from django.urls import path, register_converter

from . import views
from .numbers import to_int


class RowId:
    """A database id in a URL: plain digits within a signed 64-bit integer, else no match (404).

    ``<int:…>`` passes any number of digits to the database, where SQLite
    cannot even convert 2**63 and answers with an error.
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        number = to_int(value)
        if number is None:
            raise ValueError(value)  # Django reads it as "no match"
        return number

    def to_url(self, value):
        return str(value)


register_converter(RowId, "rowid")

app_name = "comments"
urlpatterns = [
    path("token/", views.form_token, name="token"),
    path("post/<rowid:article_id>/", views.post_comment, name="post"),
    path("<rowid:comment_id>/report/", views.report_comment, name="report"),
    path("replies/<str:token>/", views.confirm_replies, name="confirm_replies"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
