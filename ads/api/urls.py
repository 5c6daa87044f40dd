from django.urls import path

from ads.api import ads, following, mine

urlpatterns = [
    path("ads/", ads.ad_list, name="api-ads"),
    path("ads/<public_id:public_id>/", ads.ad_detail, name="api-ad"),
    path("ads/<public_id:public_id>/reactivate/", ads.ad_reactivate, name="api-ad-reactivate"),
    path("favourites/", following.favourite_list, name="api-favourites"),
    path("favourites/<public_id:public_id>/", following.favourite_set, name="api-favourite"),
    path("saved-searches/", following.saved_search_list, name="api-saved-searches"),
    path("saved-searches/<public_id:public_id>/", following.saved_search_detail, name="api-saved-search"),
    path("categories/", mine.category_list, name="api-categories"),
    path("my/ads/", mine.my_ads, name="api-my-ads"),
    path("my/ads/<public_id:public_id>/", mine.my_ad, name="api-my-ad"),
    path("my/ads/<public_id:public_id>/photos/", mine.my_ad_photos, name="api-my-ad-photos"),
    path("my/ads/<public_id:public_id>/sold/", mine.my_ad_sold, name="api-my-ad-sold"),
]
