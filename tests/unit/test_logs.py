"""Logging is configured in one place, once, however the app is started."""

from __future__ import annotations

import logging

import pytest

from service.app import create_app
from service.logs import HANDLER_NAME, OWN_LOGGERS, configure_logging
from service.places.geocoder import Gazetteer
from service.settings import Settings


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def own_handlers(name: str) -> list[logging.Handler]:
    return [h for h in logging.getLogger(name).handlers if h.name == HANDLER_NAME]


def test_configuring_twice_adds_one_handler() -> None:
    configure_logging("INFO")
    configure_logging("DEBUG")
    for name in OWN_LOGGERS:
        assert len(own_handlers(name)) == 1
        assert logging.getLogger(name).level == logging.DEBUG
    assert logging.getLogger("httpx").level == logging.WARNING
    configure_logging("INFO")


def test_create_app_configures_the_pathways_logger(gazetteer: Gazetteer) -> None:
    create_app(
        Settings(meili_url="http://127.0.0.1:9", meili_api_key="", log_level="WARNING"),
        gazetteer=gazetteer,
    )
    assert len(own_handlers("pathways")) == 1
    assert logging.getLogger("pathways").level == logging.WARNING
    configure_logging("INFO")


def test_records_are_written_once_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    logging.getLogger("pathways.test").info("one line")
    logging.getLogger("pathways.test").debug("not at INFO")
    err = capsys.readouterr().err
    assert err.count("one line") == 1
    assert "INFO pathways.test: one line" in err
    assert "not at INFO" not in err
