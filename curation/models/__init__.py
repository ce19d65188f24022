from .collections import CollectionIndexPage, CollectionItem, CollectionPage
from .featured import HomeFeaturedCase, WeeklyCase
from .quality import PeerReview
from .quiz import QuizAnswer, QuizAttempt
from .saved import CollectionShare, SavedCase, SavedCollection

__all__ = [
    "CollectionIndexPage",
    "CollectionItem",
    "CollectionPage",
    "CollectionShare",
    "HomeFeaturedCase",
    "PeerReview",
    "QuizAnswer",
    "QuizAttempt",
    "SavedCase",
    "SavedCollection",
    "WeeklyCase",
]
