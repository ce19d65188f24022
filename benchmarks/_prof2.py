import cProfile, pstats, sys, tempfile, time
from pathlib import Path
B = Path(__file__).resolve().parent
sys.path[0:1] = [str(B.parent), str(B)]
import search_backends
from synthetic_cases import cached_cases
tmp = tempfile.mkdtemp()
search_backends.setup_django(f"{tmp}/b.sqlite3")
import search_fallback
docs = cached_cases(10000)
cProfile.run("print(search_fallback.saved_search_rows(docs, 10000))", "/tmp/a.prof")
pstats.Stats("/tmp/a.prof").sort_stats("tottime").print_stats(15)
