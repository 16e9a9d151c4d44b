from briefing.lru import ByIdentity, Lru


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


def test_by_identity_finds_the_same_object_not_an_equal_one() -> None:
    memo: ByIdentity[list[int], str] = ByIdentity(4)
    first, equal = [1, 2], [1, 2]
    memo.put(first, "first")
    memo.put(first, "first, wide", variant="wide")
    assert memo.get(first) == "first" and memo.get(first, "wide") == "first, wide"
    assert memo.get(equal) is None  # equal contents, another object


def test_by_identity_never_answers_for_an_object_that_reused_an_id() -> None:
    memo: ByIdentity[object, int] = ByIdentity(2)
    kept = object()
    memo.put(kept, 1)
    # The entry holds its object, so its id() stays taken while remembered ...
    assert memo.get(kept) == 1
    for n in range(3):  # ... and once forgotten (size 2), a lookup simply misses.
        memo.put(object(), n)
    assert memo.get(kept) is None and len(memo) == 2
