from django.urls import path

from ads.api import ads

urlpatterns = [
    path("ads/", ads.ad_list, name="api-ads"),
    path("ads/<public_id:public_id>/", ads.ad_detail, name="api-ad"),
    path("ads/<public_id:public_id>/reactivate/", ads.ad_reactivate, name="api-ad-reactivate"),
]
