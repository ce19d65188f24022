import cProfile, pstats, sys, tempfile, time
from pathlib import Path
B = Path(__file__).resolve().parent
sys.path[0:1] = [str(B.parent), str(B)]
import search_backends
from synthetic_cases import cached_cases, query_params
tmp = tempfile.mkdtemp()
search_backends.setup_django(f"{tmp}/b.sqlite3")
from search.queries import SearchRequest
from search.site import site_analyzer
docs = cached_cases(int(sys.argv[1]))
with search_backends.empty_backend("sqlite", site_analyzer()) as b:
    b.rebuild(docs)
    reqs = [SearchRequest.from_params(p) for p in query_params(250)]
    for r in reqs[:50]: b.search(r)
    slow = []
    for r in reqs[50:]:
        t = time.perf_counter(); b.search(r); slow.append(((time.perf_counter()-t)*1000, r.q, r.filters, r.sort, r.page))
    for s in sorted(slow)[-8:]: print(s)
    cProfile.run("for r in reqs[50:]: b.search(r)", "/tmp/s.prof")
    pstats.Stats("/tmp/s.prof").sort_stats("tottime").print_stats(14)
