"""Knowledge URLs, one list per area (each area's module owns its patterns)."""

from seedbed.knowledge.urls_articles import urlpatterns as article_urls
from seedbed.knowledge.urls_experts import urlpatterns as expert_urls
from seedbed.knowledge.urls_handovers import urlpatterns as handover_urls
from seedbed.knowledge.urls_questions import urlpatterns as question_urls

app_name = "knowledge"
urlpatterns = [*article_urls, *question_urls, *expert_urls, *handover_urls]
