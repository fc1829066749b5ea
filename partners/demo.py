"""The partner part of ``seed_demo``: Xun County's 五社联动 ledger — the charity federation
(浚县慈善总会), local enterprises, communities, volunteer and social organisations, and
白寺站's 爱心小屋 — with what each offers. Idempotent (looked up by county and name); it
writes no service record, so no figure changes (services' demo names partners on links)."""

from decimal import Decimal

from . import services
from .choices import HelpKind, PartnerKind
from .models import Partner, PartnerOffering

# name, kind, station (short name) or None, contact, phone, address, description, offerings
PARTNERS = [
    ("浚县慈善总会", PartnerKind.CHARITY_RESOURCE, None, "李慈文", "0392-5561234", "浚县黎阳路66号",
     "县级慈善组织,设立困难群众临时救助、助学和大病救助项目。",
     [(HelpKind.CASH, "临时救助金、助学金", Decimal("200000")), (HelpKind.MEDICAL, "大病救助", None)]),
    ("浚县爱心企业联合会", PartnerKind.CHARITY_RESOURCE, None, "王振华", "13939201111", "浚县工业集聚区",
     "本县爱心企业联合体,节日慰问与冬季送温暖。",
     [(HelpKind.GOODS, "米面油、冬季棉被等慰问物资", Decimal("80000")), (HelpKind.EMPLOYMENT, "企业就业岗位推荐", None)]),
    ("鹤壁市某食品有限公司", PartnerKind.CHARITY_RESOURCE, None, "赵经理", "13839205555", "鹤壁市淇滨区",
     "本地食品企业,定期捐赠食品物资。", [(HelpKind.GOODS, "食品、米面油", Decimal("30000"))]),
    ("社区慈善基金", PartnerKind.CHARITY_RESOURCE, None, "", "", "", "各社区设立的慈善基金。",
     [(HelpKind.CASH, "社区困难家庭应急救助", None)]),
    ("浚县志愿者协会", PartnerKind.VOLUNTEER_ORGANISATION, None, "陈志远", "13703921234", "浚县新华街",
     "组织大学生志愿者和社区志愿者开展陪伴、助学、助老服务。",
     [(HelpKind.VOLUNTEER, "陪伴探访、课业辅导", None), (HelpKind.EDUCATION, "留守儿童课后辅导", None)]),
    ("白寺镇爱心小屋", PartnerKind.COMMUNITY, "白寺站", "白寺站", "", "白寺镇政府院内",
     "白寺站特色品牌:链接爱心企业和志愿者捐赠物资,困难群众凭积分到爱心小屋兑换生活用品。",
     [(HelpKind.GOODS, "积分兑换生活用品", None)]),
    ("浚州街道城关社区居委会", PartnerKind.COMMUNITY, "浚州站", "刘主任", "0392-5512345", "浚州街道",
     "社区“两委”,协助入户走访,提供活动场地。", [(HelpKind.VOLUNTEER, "网格员协助探访", None)]),
    ("小河镇小河村村委会", PartnerKind.COMMUNITY, "小河站", "张书记", "13639201212", "小河镇小河村",
     "村“两委”,协助排查困难群众。", [(HelpKind.SERVICE, "代办救助申请", None)]),
    ("浚县阳光助残服务中心", PartnerKind.SOCIAL_ORGANISATION, None, "孟阳光", "13903926666", "浚县卫溪街道",
     "登记注册的社会组织,为残疾人提供康复和就业支持。",
     [(HelpKind.MEDICAL, "康复训练", None), (HelpKind.EMPLOYMENT, "辅助性就业", None)]),
    ("浚县夕阳红助老协会", PartnerKind.SOCIAL_ORGANISATION, None, "黄秀英", "13903927777", "浚县伾山街道",
     "为留守、空巢老人提供助餐、助洁和心理慰藉。",
     [(HelpKind.PSYCHOLOGICAL, "老年人心理慰藉", None), (HelpKind.SERVICE, "助餐助洁", None)]),
    ("浚县法律援助志愿服务队", PartnerKind.VOLUNTEER_ORGANISATION, None, "周律师", "13903928888", "浚县司法局",
     "律师志愿者,提供法律咨询和援助。", [(HelpKind.LEGAL, "法律咨询与援助", None)]),
]


def seed(context):
    county = context["county"]
    by_short = {s.short_name: s for s in context["stations"].values()}
    partners = {}
    for name, kind, station, contact, phone, address, description, offerings in PARTNERS:
        partner = Partner.objects.filter(county=county, name=name).first()
        if partner is None:
            partner = services.partner_save(partner=Partner(
                county=county, station=by_short.get(station), name=name, kind=kind, contact_person=contact,
                phone=phone, address=address, description=description))
            for help_kind, text, value in offerings:
                services.partner_offering_save(offering=PartnerOffering(
                    partner=partner, kind=help_kind, description=text, value=value))
        partners[name] = partner
    context["partners"] = partners
