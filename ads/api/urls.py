from django.urls import path

from ads.api import ads, following

urlpatterns = [
    path("ads/", ads.ad_list, name="api-ads"),
    path("ads/<public_id:public_id>/", ads.ad_detail, name="api-ad"),
    path("ads/<public_id:public_id>/reactivate/", ads.ad_reactivate, name="api-ad-reactivate"),
    path("favourites/", following.favourite_list, name="api-favourites"),
    path("favourites/<public_id:public_id>/", following.favourite_set, name="api-favourite"),
    path("saved-searches/", following.saved_search_list, name="api-saved-searches"),
    path("saved-searches/<public_id:public_id>/", following.saved_search_detail, name="api-saved-search"),
]
