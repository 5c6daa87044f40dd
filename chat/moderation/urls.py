from django.urls import path

from chat.moderation import views

app_name = "moderation"

urlpatterns = [
    path("<public_id:public_id>/report/", views.conversation_report, name="report"),
]
