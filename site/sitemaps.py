from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class TranslatedSitemap(Sitemap):
    """Every live public page in every language, each with its translations as alternates.

    Wagtail's own sitemap lists only the default site root's descendants, which leaves out the
    other languages' home pages and everything under them.
    """

    def items(self):
        return (
            Page.objects.filter(depth__gte=2)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .select_related("locale")
            .specific()
        )

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        by_key = {}
        for item in self.items().filter(
            translation_key__in={item.translation_key for item in items}
        ):
            by_key.setdefault(item.translation_key, []).append(item)
        urls = []
        for item in items:
            translations = by_key.get(item.translation_key, [item])
            alternates = [
                {
                    "lang_code": other.locale.language_code,
                    "location": other.get_full_url(self.request),
                }
                for other in translations
            ]
            english = next((a for a in alternates if a["lang_code"] == "en"), None)
            if english:
                alternates.append({"lang_code": "x-default", "location": english["location"]})
            urls.append(
                {
                    "item": item,
                    "location": item.get_full_url(self.request),
                    "lastmod": item.last_published_at or item.latest_revision_created_at,
                    "alternates": alternates if len(translations) > 1 else [],
                }
            )
        return urls
