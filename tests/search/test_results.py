from search.queries import MAX_RESULT_WINDOW, SearchRequest
from search.results import FacetValue, parse_search_response, safe_highlight


def raw_response(hits=(), total=0, aggregations=None):
    return {
        "hits": {"total": {"value": total, "relation": "eq"}, "hits": list(hits)},
        "aggregations": aggregations or {},
    }


def raw_hit(doc_id, **extra):
    source = {
        "id": doc_id,
        "url": f"/cases/{doc_id}/",
        "title": f"Case {doc_id}",
        "condition": "Pneumonia",
        "specialty": "Respiratory",
        "modalities": ["XR", "CT"],
        "has_images": True,
        "comment_count": 2,
    }
    return {"_id": str(doc_id), "_score": 1.5, "_source": source, **extra}


def test_hits_carry_source_fields_and_score():
    results = parse_search_response(raw_response([raw_hit(7)], total=1), SearchRequest())
    (hit,) = results.hits
    assert (hit.id, hit.url, hit.title, hit.condition, hit.specialty) == (
        7,
        "/cases/7/",
        "Case 7",
        "Pneumonia",
        "Respiratory",
    )
    assert hit.modalities == ("XR", "CT")
    assert hit.has_images is True
    assert hit.comment_count == 2
    assert hit.score == 1.5
    assert results.total == 1


def test_highlights_are_escaped_except_marks():
    hit = raw_hit(1, highlight={"summary": ['<script>x</script> <mark>pneumonia</mark> & "q"']})
    (parsed,) = parse_search_response(raw_response([hit], 1), SearchRequest(q="p")).hits
    assert parsed.highlights == {
        "summary": ("&lt;script&gt;x&lt;/script&gt; <mark>pneumonia</mark> &amp; &quot;q&quot;",)
    }


def test_safe_highlight_balances_marks():
    assert safe_highlight("a <mark>b") == "a <mark>b</mark>"
    assert safe_highlight("</mark>a<mark><mark>b</mark></mark>") == "a<mark>b</mark>"
    assert safe_highlight("<MARK>x</MARK>") == "&lt;MARK&gt;x&lt;/MARK&gt;"
    assert safe_highlight("<mark onclick=x>") == "&lt;mark onclick=x&gt;"


def test_paging_flags():
    req = SearchRequest(page=2, page_size=10)
    results = parse_search_response(raw_response(total=25), req)
    assert (results.page, results.page_count, results.has_prev, results.has_next) == (
        2,
        3,
        True,
        True,
    )
    last = parse_search_response(raw_response(total=25), SearchRequest(page=3, page_size=10))
    assert not last.has_next


def test_page_past_the_end_keeps_the_total():
    results = parse_search_response(raw_response(total=5), SearchRequest(page=9, page_size=10))
    assert results.hits == ()
    assert results.total == 5
    assert results.has_prev and not results.has_next


def test_page_count_stops_at_the_result_window():
    results = parse_search_response(raw_response(total=50_000), SearchRequest(page_size=20))
    assert results.page_count == MAX_RESULT_WINDOW // 20


def test_facets_in_order_with_selection_and_zero_counts_for_missing_selected_values():
    aggregations = {
        "facet_modalities": {
            "doc_count": 9,
            "values": {"buckets": [{"key": "CT", "doc_count": 5}, {"key": "MR", "doc_count": 4}]},
        },
        "facet_has_images": {
            "doc_count": 9,
            "values": {"buckets": [{"key": 1, "key_as_string": "true", "doc_count": 6}]},
        },
        "facet_specialty": {"doc_count": 0, "values": {"buckets": []}},
    }
    req = SearchRequest(filters={"modalities": ("MR", "PET"), "has_images": ("true",)})
    facets = parse_search_response(raw_response(total=4, aggregations=aggregations), req).facets
    assert [facet.name for facet in facets] == ["specialty", "modalities", "has_images"]
    assert facets[1].values == (
        FacetValue("CT", 5, False),
        FacetValue("MR", 4, True),
        FacetValue("PET", 0, True),
    )
    assert facets[2].values == (FacetValue("true", 6, True),)
    assert facets[0].values == ()
