import sqlite3, sys, time, json
from pathlib import Path
B = Path(__file__).resolve().parent
sys.path[0:1] = [str(B.parent), str(B)]
from search.backends.text_columns import column_texts, COLUMNS
docs=[json.loads(l) for l in open(B.parent/'.bench-cache/cases-100000-4.jsonl')]
c=sqlite3.connect('/tmp/fts100k.db')
c.execute("drop table if exists t")
c.execute("create virtual table t using fts5(" + ", ".join(COLUMNS) + ", tokenize='porter unicode61 remove_diacritics 2')")
t=time.perf_counter()
c.executemany("insert into t(rowid, "+", ".join(COLUMNS)+") values (?"+",?"*len(COLUMNS)+")", [(d['id'], *column_texts(d).values()) for d in docs])
c.commit(); print('build', time.perf_counter()-t)
bm='bm25(t, '+', '.join(str(w) for w in COLUMNS.values())+')'
for q in ['"significant" AND "past" AND "history"', '"chest" AND "pain"', '("sellar" AND "mass" AND "elevating")', '"pneumonia"']:
    for sql in [f"select rowid from t where t match ?", f"select rowid, {bm} from t where t match ?", f"select rowid from t where t match ? order by rank limit 20", f"select count(*) from t where t match ?"]:
        t=time.perf_counter(); r=c.execute(sql,(q,)).fetchall(); dt=(time.perf_counter()-t)*1000
        print(q[:30], sql[:40], len(r), round(dt,1))
