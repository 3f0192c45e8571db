"""Chinese labels for the ledger's identifiers (kinds, flags, rules, roles)."""

from __future__ import annotations

from ledger.domain.events import (
    ENUM_LABELS,
    EVENT_CLASSES,
    AgencyCategory,
    AgencyRegistered,
    AgencySucceeded,
    CommitmentRecorded,
    CommitmentType,
    EnterpriseRegistered,
    EnterpriseSize,
    field_label,
)

__all__ = [
    "BUCKET",
    "CATEGORY",
    "COLUMN",
    "COMMITMENT_TYPE",
    "FLAG",
    "KIND",
    "RATE_KIND",
    "ROLE",
    "RULE",
    "RULE_LONG",
    "SIZE",
    "TURNOVER",
    "TURNOVER_SHORT",
    "label",
    "rule_label",
]

KIND: dict[str, str] = {k.value: cls.label for k, cls in EVENT_CLASSES.items()}
"""Each event kind's Chinese name, from its declaration (:mod:`ledger.domain.events`)."""

ROLE: dict[str, str] = {
    "log": "日志密钥（签署登记类条目与检查点）",
    "recorder": "记录员",
    "auditor": "审计",
    "witness": "见证人（联署检查点）",
}

FLAG: dict[str, str] = {
    "ACCEPTANCE_DELAYED": "验收迟延：验收晚于约定期限或逾期未验收，以交付日加约定验收期为起算日",
    "ACCEPTANCE_PERIOD_MISSING": "以验收为付款起算但未约定验收期限",
    "CONDITIONS_ADDED": "未经企业同意追加付款条件、削减金额、延长期限、推迟付款日或降低利率",
    "NONCASH_EXTENSION": "以商业汇票、应收账款电子凭证支付且到期日晚于应付日，变相延长付款期限",
    "PROHIBITED_EXCUSE": "以负责人变更、换届、机构调整、内部流程或未约定的审计、备案为由拒付或迟延",
    "RATE_BELOW_LPR": "约定逾期利率低于合同订立时一年期贷款市场报价利率（LPR），按LPR计",
    "REPUDIATED": "违约、拒约或毁约",
    "TERM_OVER_60": "约定付款期限超过60日，按60日计",
    "UNDISPUTED_UNPAID": "仅部分存在争议，无争议部分逾期未付",
    "VOIDED_AFTER_DUE": "在应付日之后作废，须核实是否借作废隐藏欠款",
}

FLAG_SHORT: dict[str, str] = {
    "ACCEPTANCE_DELAYED": "验收迟延",
    "ACCEPTANCE_PERIOD_MISSING": "未约定验收期",
    "CONDITIONS_ADDED": "追加条件",
    "NONCASH_EXTENSION": "票据变相延期",
    "PROHIBITED_EXCUSE": "禁止的拖欠理由",
    "RATE_BELOW_LPR": "利率低于LPR",
    "REPUDIATED": "违约毁约",
    "TERM_OVER_60": "期限超60日",
    "UNDISPUTED_UNPAID": "无争议部分未付",
    "VOIDED_AFTER_DUE": "逾期后作废",
}

RULE: dict[str, str] = {
    "T1": "T1 旧账逾期未付",
    "T2": "T2 更替后违约毁约",
    "T3": "T3 更替后追加条件",
    "T4": "T4 更替后停止付款",
    "T5": "T5 以更替为由",
}
"""Rule labels where no single turnover is meant (summaries): 更替 covers every type."""

_RULE_AFTER: dict[str, str] = {"T2": "后违约毁约", "T3": "后追加条件", "T4": "后停止付款"}

TURNOVER_SHORT: dict[str, str] = {
    "official_change": "领导更替",
    "term_change": "换届",
    "restructuring": "机构改革",
    "division_adjustment": "区划调整",
}


def rule_label(rule: object, turnover_type: object | None) -> str:
    """A rule's label naming the finding's own turnover: ``T2 机构改革后违约毁约``.

    T2–T4 are charged to a turnover and say which kind it was, so a row whose
    turnover was a restructuring never reads 换届; T1 and T5 do not depend on it.
    """
    r = str(getattr(rule, "value", rule))
    t = None if turnover_type is None else str(getattr(turnover_type, "value", turnover_type))
    if r in _RULE_AFTER and t in TURNOVER_SHORT:
        return f"{r} {TURNOVER_SHORT[t]}{_RULE_AFTER[r]}"
    return RULE.get(r, r)


RULE_LONG: dict[str, str] = {
    "T1": "T1 旧账逾期未付：承诺签订后发生过领导更替、换届、机构改革或区划调整，截至审计日逾期未付。",
    "T2": "T2 更替后违约毁约：在签订后发生的更替之日或之后，承诺被违约、拒约或毁约。",
    "T3": "T3 更替后追加条件：在更替之日或之后，未经企业同意追加付款条件、削减金额、延长期限、推迟付款日或降低利率。",
    "T4": "T4 更替后停止付款：更替前有过付款，更替当日及之后再无付款，且截至审计日逾期。",
    "T5": "T5 以更替为由：争议、变更或违约的理由是负责人变更、政府换届或机构改革。",
}

TURNOVER: dict[str, str] = {
    "official_change": "主要负责人更替",
    "term_change": "政府换届",
    "restructuring": "机构改革（职能调整）",
    "division_adjustment": "行政区划调整",
}

BUCKET: dict[str, str] = {
    "1-30": "1–30天",
    "31-90": "31–90天",
    "91-180": "91–180天",
    "181-365": "181–365天",
    ">365": "365天以上",
}

COMMITMENT_TYPE: dict[str, str] = dict(ENUM_LABELS[CommitmentType])

CATEGORY: dict[str, str] = dict(ENUM_LABELS[AgencyCategory])

SIZE: dict[str, str] = dict(ENUM_LABELS[EnterpriseSize])

RATE_KIND: dict[str, str] = {
    "agreed": "约定利率",
    "lpr_floor": "LPR下限",
    "statutory_daily": "每日万分之五",
    "none": "不计（无约定，非中小企业条例适用）",
}


def label(table: dict[str, str], key: object) -> str:
    """The Chinese label of ``key`` (an enum or str), or the key itself."""
    k = str(getattr(key, "value", key))
    return table.get(k, k)


COLUMN: dict[str, str] = {
    "commitment": field_label(CommitmentRecorded, "commitment"),
    "type": field_label(CommitmentRecorded, "type"),
    "agency": "签订机关",
    "agency_name": "签订机关名称",
    "holder": "持有机关",
    "holder_name": "持有机关名称",
    "enterprise": "企业（统一社会信用代码）",
    "enterprise_name": field_label(EnterpriseRegistered, "name"),
    "principal": "本金（元）",
    "paid": "已付金额（元）",
    "outstanding": "未付（元）",
    "disputed": "争议金额（元）",
    "overdue_amount": "逾期金额（元）",
    "due": "约定应付日",
    "statutory_due": "法定应付日",
    "effective_due": "应付日",
    "days_overdue": "逾期天数",
    "bucket": "账龄",
    "interest": "逾期利息（元）",
    "flags": "标记",
    "evidence": "证据条目序号",
    "rules": "规则",
    "turnover_type": "更替类型",
    "turnover_date": "更替日期",
    "turnover_seq": "更替条目序号",
    "official_at_breach": "违约时主要负责人",
    "official_now": "现任主要负责人",
    "days_under_new_leadership": "新领导任内天数",
    "breach_date": "违约日",
    "name": "名称",
    "category": field_label(AgencyRegistered, "category"),
    "region": field_label(AgencyRegistered, "region"),
    "contracts": "逾期合同数",
    "amount": field_label(CommitmentRecorded, "amount") + "（元）",
    "signed_on": field_label(CommitmentRecorded, "signed_on"),
    "voided": "已作废",
    "title": field_label(CommitmentRecorded, "title"),
    "registered_seq": "登记序号",
    "successor": field_label(AgencySucceeded, "successor"),
    "succeeded_on": "承继日期",
    "uscc": field_label(EnterpriseRegistered, "uscc"),
    "size": field_label(EnterpriseRegistered, "size"),
    "ownership": field_label(EnterpriseRegistered, "ownership"),
    "updated_seq": "变更序号",
    "seq": "序号",
    "kind": "事件",
    "date": "日期",
    "detail": "详情",
    "role": "角色",
    "agencies": "机关范围",
    "revoked_seq": "吊销序号",
    "vkey": "验证公钥",
    "group": "分组",
    "count": "数量",
    "days_late": "迟付天数",
    "reason": "原因",
}
"""Chinese column headers for tables and workbooks (the keys stay in JSON and CSV); a
column that shows a declared field takes the declaration's label (ledger.domain.events)."""
