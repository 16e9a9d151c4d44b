from briefing.lru import Lru


def test_forgets_the_least_recently_used_past_its_size() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent
    lru.put("c", 3)
    assert "b" not in lru
    assert (lru.get("a"), lru.get("c"), len(lru)) == (1, 3, 2)


def test_putting_again_replaces_and_refreshes() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    lru.put("a", 10)
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (10, None, 3)


def test_clear_and_a_size_of_at_least_one() -> None:
    lru: Lru[str, int] = Lru(0)
    lru.put("a", 1)
    lru.put("b", 2)
    assert len(lru) == 1 and lru.get("b") == 2
    lru.clear()
    assert len(lru) == 0
