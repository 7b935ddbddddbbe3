"""Names in a report matched to what the directory knows (intake.extract.names): people and
their aliases, countries by name, adjective, capital and city, posts held on the report's date,
and people the directory does not know proposed with their post."""

import datetime

import pytest

from intake.extract.names import NameMatcher, Post, find_posts, holders, unknown_people

PEOPLE = [(1, "Emomali Rahmon"), (2, "Vladimir Putin"), (3, "Dmitry Rogozin"), (4, "Sooronbay Jeenbekov")]
ALIASES = [(1, "Emomali Rahmon", "Emomalii Rahmon"), (2, "Vladimir Putin", "Putin")]
COUNTRIES = [
    ("TJK", "Tajikistan", "Republic of Tajikistan"),
    ("RUS", "Russian Federation", "Russian Federation"),
    ("KGZ", "Kyrgyzstan", "Kyrgyz Republic"),
    ("CHN", "China", "People's Republic of China"),
    ("TUR", "Türkiye", "Republic of Türkiye"),
    ("COG", "Congo", "Republic of the Congo"),
    ("COD", "Congo, The Democratic Republic of the", "Democratic Republic of the Congo"),
]
POSTS = [
    Post(
        "3", "Dmitry Rogozin", "Deputy Prime Minister", "RUS", datetime.date(2011, 12, 23), datetime.date(2018, 5, 18)
    ),
    Post("2", "Vladimir Putin", "President", "RUS", datetime.date(2012, 5, 7), None),
    Post("9", "Dmitry Medvedev", "President", "RUS", datetime.date(2008, 5, 7), datetime.date(2012, 5, 7)),
]


@pytest.fixture(scope="module")
def matcher():
    return NameMatcher.build(PEOPLE, ALIASES, COUNTRIES)


def found(matcher, text):
    return [(m.text, sorted((k.kind, k.key, k.via) for k in m.candidates)) for m in matcher.find(text)]


def test_people_are_found_by_name_and_alias_and_countries_by_name_adjective_capital_and_city(matcher):
    text = "Putin will arrive in Dushanbe, and Emomalii Rahmon will then take the Russian guest to Khujand."
    assert found(matcher, text) == [
        ("Putin", [("person", "2", "alias")]),
        ("Dushanbe", [("country", "TJK", "capital")]),
        ("Emomalii Rahmon", [("person", "1", "alias")]),
        ("Russian", [("country", "RUS", "adjective")]),
    ]
    spans = [m.span for m in matcher.find(text)]
    assert [text[start:end] for start, end in spans] == ["Putin", "Dushanbe", "Emomalii Rahmon", "Russian"]


def test_a_city_names_its_country_and_the_longest_name_stands(matcher):
    assert found(matcher, "Talks in Shanghai with the Republic of Tajikistan.") == [
        ("Shanghai", [("country", "CHN", "city")]),
        ("Republic of Tajikistan", [("country", "TJK", "name")]),
    ]


def test_a_name_counts_only_where_the_report_capitalises_it(matcher):
    assert found(matcher, "a roast turkey and china plates") == []


def test_a_name_of_two_records_keeps_both_for_the_editor(matcher):
    assert found(matcher, "The Congolese minister arrived.") == [
        ("Congolese", [("country", "COD", "adjective"), ("country", "COG", "adjective")])
    ]


@pytest.mark.parametrize(
    ("text", "title", "country"),
    [
        ("the Russian deputy prime minister arrived", "deputy prime minister", "RUS"),
        ("Tajikistan's president said", "president", "TJK"),
        ("talks with the president of Tajikistan", "president", "TJK"),
        ("the Kyrgyz foreign minister", "foreign minister", "KGZ"),
    ],
)
def test_a_post_is_a_title_and_a_country(matcher, text, title, country):
    posts = find_posts(text, matcher.find(text))
    assert [(post.title, post.country) for post in posts] == [(title, country)]
    assert text[posts[0].span[0] : posts[0].span[1]] == posts[0].text


def test_the_post_s_holder_is_who_held_it_on_the_report_s_date():
    assert [post.name for post in holders(POSTS, "deputy prime minister", "RUS", datetime.date(2017, 1, 27))] == [
        "Dmitry Rogozin"
    ]
    assert holders(POSTS, "deputy prime minister", "RUS", datetime.date(2019, 1, 1)) == []
    assert [post.name for post in holders(POSTS, "President", "RUS", datetime.date(2010, 1, 1))] == ["Dmitry Medvedev"]
    assert [post.name for post in holders(POSTS, "president", "RUS", datetime.date(2017, 2, 28))] == ["Vladimir Putin"]


def test_an_unknown_person_named_with_a_post_is_proposed_with_it(matcher):
    text = "Chinese President Xi Jinping met Russian President Vladimir Putin."
    mentions = matcher.find(text)
    proposed = unknown_people(text, mentions, find_posts(text, mentions))
    assert [(name, post.title, post.country) for name, post in proposed] == [("Xi Jinping", "president", "CHN")]


def test_a_capital_is_its_country_s_though_a_city_elsewhere_has_its_name():
    matcher = NameMatcher.build(countries=[("GBR", "United Kingdom", ""), ("CAN", "Canada", "")])
    assert found(matcher, "He flew to London.") == [("London", [("country", "GBR", "capital")])]


def test_a_minister_of_any_portfolio_is_a_post_and_a_sea_is_no_country(matcher):
    text = "Tajikistan's fisheries minister spoke of the South China Sea."
    mentions = matcher.find(text)
    assert [m.text for m in mentions] == ["Tajikistan"]
    assert [(p.title, p.country) for p in find_posts(text, mentions)] == [("fisheries minister", "TJK")]
