from django.urls import path

from chat.views import reputation

app_name = "profiles"

urlpatterns = [
    path("<public_id:public_id>/", reputation.profile, name="detail"),
]
