"""Search backends behind one interface (``base.SearchBackend``): the engine
(``engine.EngineBackend``) and the database fallback (``database.DatabaseBackend``).
``search.site.get_search_backend()`` picks one; views never branch on the backend."""
