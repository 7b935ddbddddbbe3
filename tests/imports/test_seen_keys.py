"""The import runner's memory of the keys it has read (imports.runner.SeenKeys)."""

from imports.seen_keys import SeenKeys


def test_a_new_key_is_recorded_and_a_repeated_one_answers_where_it_was_first_read():
    seen = SeenKeys()

    assert seen.first_read("A/2021/52/RUS/TJK/X/TOTAL", "a.csv", 2) is None
    assert seen.first_read("A/2021/52/TJK/RUS/X/TOTAL", "a.csv", 3) is None

    assert seen.first_read("A/2021/52/RUS/TJK/X/TOTAL", "b.csv", 9) == ("a.csv", 2)
    assert seen.first_read("A/2021/52/RUS/TJK/X/TOTAL", "b.csv", 10) == ("a.csv", 2)


def test_keys_and_places_survive_the_table_growing_many_times():
    seen = SeenKeys(capacity=4)
    keys = [f"key-{n}" for n in range(5000)]

    assert all(seen.first_read(key, f"file-{n % 3}.csv", n + 2) is None for n, key in enumerate(keys))

    assert [seen.first_read(key, "again.csv", 1) for key in keys[::997]] == [
        (f"file-{n % 3}.csv", n + 2) for n in range(0, 5000, 997)
    ]


def test_line_numbers_far_past_a_million_are_kept_whole():
    seen = SeenKeys()
    seen.first_read("late", "big.csv", 3_000_000_000)

    assert seen.first_read("late", "big.csv", 3_000_000_001) == ("big.csv", 3_000_000_000)


def test_many_files_and_far_lines_keep_their_places_beside_the_packed_ones():
    seen = SeenKeys(capacity=4)
    places = [(f"file-{n}.csv", line) for n in range(300) for line in (2, 16_777_215, 16_777_216)]

    assert all(seen.first_read(f"{file}:{line}", file, line) is None for file, line in places)

    assert [seen.first_read(f"{file}:{line}", "again.csv", 1) for file, line in places] == places
