"""The words people read: one case status vocabulary with Chinese labels, and Chinese for
every error the services answer (`detail_zh` of a problem document)."""

from __future__ import annotations

from typing import Literal

# One vocabulary in every service: a decided case reads the same in intake, approval and
# supervision. Delivery is a fact of its own (`delivered`), not a status.
CaseStatus = Literal[
    "submitted",
    "awaiting_supplement",
    "accepted",
    "suspended",
    "escalated",
    "approved",
    "denied",
    "deemed_approved",
    "refused",
    "withdrawal_requested",
    "withdrawn",
    "returned",
]
STATUS_LABELS: dict[str, str] = {
    "submitted": "已收件",
    "awaiting_supplement": "待补正",
    "accepted": "已受理",
    "suspended": "暂停计时",
    "escalated": "已上报",
    "approved": "准予许可",
    "denied": "不予许可",
    "deemed_approved": "视为准予（超时默许）",
    "refused": "不予受理",
    "withdrawal_requested": "撤回申请待确认",
    "withdrawn": "已撤回",
    "returned": "已退件",
}
# What each service's own bookkeeping words mean in the shared vocabulary.
_SYNONYMS = {"open": "accepted", "reviewed": "accepted", "new": "submitted", "closed": "withdrawn"}
_DECIDED = {"decided", "delivered"}


def case_status(internal: str | None, decision: str | None = None) -> str:
    """A service's own status word (and the decision, once there is one) in the vocabulary."""
    if decision in STATUS_LABELS and (internal in _DECIDED or internal is None):
        return decision
    word = internal or "submitted"
    return _SYNONYMS.get(word, word)


def status_zh(status: str) -> str:
    """The Chinese label of a status in the shared vocabulary."""
    return STATUS_LABELS.get(status, status)


def status_fields(status: str) -> dict[str, str]:
    """`status` and `status_zh` of a case answer, in the shared vocabulary."""
    return {"status": status, "status_zh": status_zh(status)}


# The procedures a case (or a joint case's part) pauses for, as every service names them.
PROCEDURE_ZH: dict[str, str] = {
    "correction": "补正材料",
    "hearing": "听证",
    "expert_review": "专家评审",
    "inspection": "现场勘验",
    "testing": "检验检测",
    "appraisal": "鉴定",
    "public_notice": "公示",
}

HTTP_ZH: dict[int, str] = {
    400: "请求有误",
    401: "需要有效的登录凭证",
    403: "无权执行此操作",
    404: "未找到所请求的对象，或无权查看",
    405: "不支持该请求方法",
    409: "与当前状态冲突",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "请求内容不符合要求",
    429: "请求过于频繁，请稍后再试",
    503: "后端服务暂时不可用，请稍后重试",
}
VALIDATION_ZH: dict[str, str] = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段（可能拼写有误）",
    "string_pattern_mismatch": "格式不符合要求",
    "string_too_long": "内容过长",
    "string_too_short": "内容不能为空或过短",
    "too_long": "项目过多",
    "too_short": "项目过少",
    "literal_error": "不是允许的取值",
    "enum": "不是允许的取值",
    "string_type": "应为字符串",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为布尔值",
    "bool_type": "应为布尔值",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "model_type": "应为对象",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为 ISO 8601 时间",
    "datetime_from_date_parsing": "应为 ISO 8601 时间",
    "timezone_aware": "时间须带时区",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "value_error": "取值无效",
    "json_invalid": "JSON 格式错误",
}


def http_zh(status: int) -> str:
    """The Chinese message of an HTTP status when no rule says more."""
    return HTTP_ZH.get(status, "请求未能完成" if status < 500 else "服务器暂时无法处理，请稍后重试")


def validation_zh(kind: str, field: str) -> str:
    """The Chinese message of one validation error."""
    message = VALIDATION_ZH.get(kind, "取值不符合要求")
    return f"字段 {field}：{message}" if field else message
