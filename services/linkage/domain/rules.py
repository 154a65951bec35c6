"""Linkage's named rules for subscriptions: each refusal says its rule, its kind, in Chinese."""

from __future__ import annotations

from libs.events.rules import Kind, Rule


class SubscriptionExists(Rule):
    """A subscription the caller may not see is answered as one that does not exist."""

    kind = Kind.not_found
    zh = "订阅不存在"

    def __init__(self, subscription_id: str) -> None:
        super().__init__(
            f"subscription {subscription_id} does not exist",
            detail_zh=f"订阅 {subscription_id} 不存在",
        )


class EventKept(Rule):
    """A replay after an event id needs that event among those kept for replay."""

    kind = Kind.not_found
    zh = "该事件不在可重放的事件中"

    def __init__(self, event_id: str) -> None:
        super().__init__(
            f"event {event_id} is not among the events kept for replay",
            detail_zh=f"事件 {event_id} 不在可重放的事件中",
        )


class SubscriptionWithinCallerScope(Rule):
    """An integrator subscribes within its own center (and department)."""

    kind = Kind.forbidden
    zh = "只能订阅调用方中心及部门范围内的事件"


class PersonalDataScopeGrantedByAdmin(Rule):
    """Only a center's administrator grants unmasked personal data."""

    kind = Kind.forbidden
    zh = "personal_data 范围须由中心管理员授予"

    def __init__(self) -> None:
        super().__init__("personal_data 范围须由中心管理员授予；集成方不能自行开通")


class StatusIsActiveOrPaused(Rule):
    """A PATCH sets the status to `active` or `paused`, nothing else."""

    zh = "订阅状态只能设为 active 或 paused"

    def __init__(self, wanted: str) -> None:
        super().__init__(f"status 只能设为 active 或 paused，而不是 {wanted}")


class SecretIsStandardWebhooksKey(Rule):
    """A secret is `whsec_` and the base64 of 24 to 64 random bytes."""

    zh = "secret 须为 Standard Webhooks 规范的 whsec_ 密钥"

    def __init__(self) -> None:
        super().__init__(
            "secret 须为 whsec_ 加 24 至 64 字节随机数的 base64 编码（Standard Webhooks 规范）",
            field="secret",
        )
