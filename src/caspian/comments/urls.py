from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("token/", views.form_token, name="token"),
    path("post/<int:article_id>/", views.post_comment, name="post"),
    path("<int:comment_id>/report/", views.report_comment, name="report"),
    path("replies/<str:token>/", views.confirm_replies, name="confirm_replies"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
