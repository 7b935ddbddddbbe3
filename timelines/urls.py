"""Timeline pages, their interactive timelines' items, the pair chart's visit marks, and the feeds (included by chancery/urls.py)."""

from django.urls import path

from timelines import feeds
from timelines.pages import entries, home, places, search, sources

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", search.search, name="search"),
    path("sources/<id:pk>/", sources.source_page, name="source"),
    path("countries/<str:code>/", places.country_page, name="country"),
    path(
        "countries/<str:key>/timeline.json", entries.timeline_items, {"scope": "country"}, name="country-timeline-items"
    ),
    path("countries/<str:code>/feed.atom", feeds.country_feed, name="country-feed"),
    path("countries/<str:code>/upcoming.ics", feeds.country_calendar, name="country-calendar"),
    path("pairs/", home.pair_picker, name="pair-picker"),
    path("pairs/<str:pair>/", places.pair_page, name="pair"),
    path("pairs/<str:key>/timeline.json", entries.timeline_items, {"scope": "pair"}, name="pair-timeline-items"),
    path("pairs/<str:pair>/visit-marks.json", places.pair_visit_marks, name="pair-visit-marks"),
    path("pairs/<str:pair>/feed.atom", feeds.pair_feed, name="pair-feed"),
    path("pairs/<str:pair>/upcoming.ics", feeds.pair_calendar, name="pair-calendar"),
    path("topics/<slug:slug>/", places.topic_page, name="topic"),
    path("topics/<slug:key>/timeline.json", entries.timeline_items, {"scope": "topic"}, name="topic-timeline-items"),
    path("topics/<slug:slug>/feed.atom", feeds.topic_feed, name="topic-feed"),
    path("people/<id:key>/timeline.json", entries.timeline_items, {"scope": "person"}, name="person-timeline-items"),
    path("people/<id:pk>/feed.atom", feeds.person_feed, name="person-feed"),
    path(
        "agreements/<id:key>/timeline.json",
        entries.timeline_items,
        {"scope": "agreement"},
        name="agreement-timeline-items",
    ),
]
