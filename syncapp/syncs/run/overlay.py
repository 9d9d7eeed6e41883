"""Links as a dry run sees them: the stored ones, overlaid with those it would make.

The planner (step.BatchRun.decide) reads links through a LinkLookup: the store in a
run, this overlay in the wizard's dry run, which plans page after page without
writing, so each page must see the links the pages before it would have made
(an app record left aside that a hub record matches later, a hub record claimed).
"""

from itertools import chain

from syncapp.syncs.run import store


class LinkOverlay:
    """The links earlier pages of the dry run would have made or changed, over the
    stored ones. Its own links have negative ids (and so have the hub records it
    would create): the dry run writes nothing, so nothing here has a real id."""

    def __init__(self):
        self.by_pk: dict[int, store.LinkColumns] = {}
        self.by_app: dict[str, store.LinkColumns] = {}
        self.by_hub: dict[int, store.LinkColumns] = {}
        self.by_key: dict[str, list[store.LinkColumns]] = {}  # app-only candidates, oldest first
        self.gone: set[int] = set()  # stored links that gave way
        self._last_id = 0

    def next_id(self) -> int:
        self._last_id -= 1
        return self._last_id

    def keep(self, link: store.LinkColumns) -> None:
        self.by_pk[link.pk] = link
        if link.app_id:
            self.by_app[link.app_id] = link
        if link.hub_record_id:
            self.by_hub[link.hub_record_id] = link
        elif link.match_key and link.app_id:
            self.by_key.setdefault(link.match_key, []).append(link)

    def drop(self, link: store.LinkColumns) -> None:
        self.gone.add(link.pk)
        self.by_pk.pop(link.pk, None)
        if link.app_id is not None and self.by_app.get(link.app_id) is link:
            del self.by_app[link.app_id]
        if link.hub_record_id is not None and self.by_hub.get(link.hub_record_id) is link:
            del self.by_hub[link.hub_record_id]

    def take(self, batch, plan, sync_id: int, portal_id: int) -> dict[int, store.LinkColumns]:
        """A decided page's links as applying its plan would leave them, in memory only
        (not kept yet: the caller marks creates and failures first, then `keep`s them)."""
        for ref in plan.dropped:
            self.drop(batch.known[ref])
        links: dict[int, store.LinkColumns] = {}
        for ref, change in plan.links.items():
            if change.new:
                link = store.new_link(sync_id, portal_id, **change.fields)
                link.pk = self.next_id()
            else:
                link = batch.known[ref]
                for name, value in change.fields.items():
                    setattr(link, name, value)
            if change.status:
                store.mark(link, change.status, category=change.category,
                           message=change.message, reason=change.reason)
            links[ref] = link
        for pair in plan.pairs:
            if pair.ref not in links:
                links[pair.ref] = batch.known[pair.ref]
        return links

    def _live(self, links) -> list[store.LinkColumns]:
        return [self.by_pk.get(link.pk, link) for link in links if link.pk not in self.gone]

    def links_for(self, sync_id: int, app_ids, hub_ids):
        stored_app, stored_hub = store.links_for(sync_id, app_ids, hub_ids)
        mine = [self.by_app[a] for a in app_ids if a in self.by_app] + [
            self.by_hub[h] for h in hub_ids if h in self.by_hub]
        by_app, by_hub = {}, {}
        for link in chain(self._live(chain(stored_app.values(), stored_hub.values())), mine):
            if link.app_id:
                by_app[link.app_id] = link
            if link.hub_record_id:
                by_hub[link.hub_record_id] = link
        return by_app, by_hub

    def claimed(self, sync_id: int, hub_ids) -> set[int]:
        mine = {h for h in hub_ids if h in self.by_hub and self.by_hub[h].app_id}
        return store.claimed(sync_id, hub_ids) | mine

    def app_only_by_key(self, sync_id: int, keys) -> dict[str, list[store.LinkColumns]]:
        found = {}
        stored = store.app_only_by_key(sync_id, keys)
        for key in keys:
            links = [link for link in chain(self._live(stored.get(key, ())),
                                            self.by_key.get(key, ()))
                     if link.hub_record_id is None and link.pk not in self.gone]
            if links:
                found[key] = list({link.pk: link for link in links}.values())
        return found
