"""Several Pushpins (the multi-instance stack, docker-compose.multi.yml): MARKETPLACE_PUSH_URL lists their
publish endpoints and every event goes to each, so a browser gets it whichever proxy holds its stream."""

from marketplace import pushpin


def test_every_listed_proxy_gets_a_publisher(settings):
    settings.MARKETPLACE_PUSH_URL = "http://pushpin:5561, http://pushpin2:5561"
    publisher = pushpin._publisher()
    assert sorted(client.uri for client in publisher.clients) == [
        "http://pushpin2:5561",
        "http://pushpin:5561",
    ]
