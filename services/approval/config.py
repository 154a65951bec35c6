"""Approval settings (environment variables of the same names, upper-case)."""

from typing import Literal

from pydantic import Field

from libs.events.runtime import ServiceSettings


class Settings(ServiceSettings):
    """Environment of the approval service."""

    database_url: str = "sqlite:///var/approval.db"
    # Seals: SEAL_KEYS is a JSON object department -> Ed25519 private key PEM; SEAL_KEYS_DIR
    # holds `<department>.pem` files; SEAL_GENERATE_KEYS makes missing keys there (dev only).
    seal_keys: dict[str, str] = {}
    seal_keys_dir: str = "var/seals"
    seal_generate_keys: bool = True
    # Other centers' published seal keys, to verify the documents they return for our cases:
    # SEAL_PUBLIC_KEYS is a JSON object "<center>/<department>" -> Ed25519 public key PEM.
    seal_public_keys: dict[str, str] = {}
    # Printed on decisions (and in their QR code): where a person checks a document by number.
    verify_base_url: str = "http://127.0.0.1:8002"
    # Delivery: `local` records messages (NOTIFY_SINK_FILE as JSON lines); `http` posts them.
    notifier: Literal["local", "http"] = "local"
    notify_channel: Literal["sms", "voice"] = "sms"
    notify_gateway_url: str = ""
    notify_gateway_token: str = ""
    notify_sink_file: str = "var/notices.jsonl"  # the local sink's messages, one JSON a line
    delivery_poll_seconds: float = 1.0
    delivery_backoff_seconds: float = 2.0
    delivery_backoff_max_seconds: float = 600.0
    delivery_lease_seconds: float = 60.0  # a sender that died mid-send frees its messages then
    # HMAC key of the applicants' identity numbers kept to search the worklist by; set one per
    # node in production (a new key finds only cases received after it).
    id_search_key: str = Field(default="onewindow-dev-id-key-NOT-FOR-PRODUCTION", min_length=16)
    # How often overdue cases are checked for deemed approval (超时默许).
    deemed_scan_seconds: float = 30.0
    # 绿色通道: a green-channel project's stage limits are multiplied by this (rounded up).
    green_channel_factor: float = 0.5
