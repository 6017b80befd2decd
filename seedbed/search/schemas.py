"""API schemas of search: the query (text, kinds, page) and a page of results."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from seedbed.lib.schemas import In, Text
from seedbed.search.services import MAX_LIMIT, MAX_OFFSET, MAX_QUERY_LENGTH

Kind = Literal["person", "skill", "article", "question", "learning_item"]


class SearchIn(In):
    q: Text = Field(
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description="What to look for. Every word must match (as a word, its beginning, a "
        "skill alias or a synonym); misspelt words are corrected unless `exact` is true.",
    )
    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    exact: bool = Field(False, description="Take the words as typed (no typo correction).")
    mode: Literal["keyword", "semantic"] = Field(
        "keyword",
        description="`semantic`: the nearest documents by meaning, if this installation has "
        "a semantic backend (else 400).",
    )


class SearchResultOut(BaseModel):
    kind: Kind
    id: int = Field(description="The id of the person, skill, article, question or item.")
    title: str
    title_html: str = Field(description="The title, HTML-escaped, matching words in <mark>.")
    snippet_html: str = Field(
        description="A passage around the matching words, HTML-escaped, matches in <mark>."
    )
    facts: str = Field(description="A person's role, team and place; an article's kind; ...")
    url: str | None = Field(description="The page of the result in the web app.")
    score: float = Field(description="Relevance (higher is better; only for ordering).")


class KindCounts(BaseModel):
    person: int
    skill: int
    article: int
    question: int
    learning_item: int


class SearchPageOut(BaseModel):
    query: str
    corrected_query: str | None = Field(
        description="Set when misspelt words were replaced: the words searched for instead."
    )
    count: int = Field(description="Results of the kinds asked for, over all pages.")
    counts: KindCounts = Field(description="Results per kind (whatever kinds were asked for).")
    limit: int
    offset: int
    items: list[SearchResultOut]
