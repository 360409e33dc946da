"""The customers of the embedded sample archive: 33 customer cards 客户资料卡 of the
太原龙城会馆 sales department, every nature, grade A–E, volume and time class, and the
export customers (foreign buyers of the trading side) of chen.xiaoyu.

`STORY` flags drive sample_story: signing 签单 customers, over their credit limit,
overdue more than 90 days, complaints, withdrawals …
"""

from __future__ import annotations

import datetime as dt
import random

import sample_vocabulary as V
from archive_kit import Customer, credit_code, d, id_card_number, landline, mobile, person_name

# id, name, short, nature, grade, volume, time, abc, manager, status, industry, story flags
ROWS = [
    ("C0001", "山西晋能集团有限公司", "晋能集团", "special", "A", "key", "existing", "A", "li.na", "active",
     "煤炭电力能源", dict(signing=True, level=2.6, since="2016-05-10", signatory_update="2026-02-16", key_contract=True)),
    ("C0002", "三晋银行股份有限公司太原分行", "三晋银行", "special", "A", "key", "existing", "A", "li.na", "active",
     "银行", dict(signing=True, level=2.2, since="2018-03-22", key_contract=True)),
    ("C0003", "太原市龙城新区管理委员会", "龙城新区管委会", "government", "B", "key", "existing", "A", "li.na", "active",
     "政府机关", dict(signing=True, level=2.0, since="2019-07-01", pay="overdue", stop="2026-04-30",
                     extension="2025-11-24")),
    ("C0004", "北京中商联合集团有限公司太原分公司", "中商联合太原分公司", "company", "A", "key", "existing", "A", "li.na",
     "active", "批发零售", dict(signing=True, level=2.4, since="2020-11-12", pay="slow", over=True,
                                signatory_update="2026-06-03")),
    ("C0005", "汾阳杏花酒业销售有限公司", "杏花酒业", "company", "A", "key", "existing", "A", "wang.wei", "active",
     "酒类食品", dict(signing=True, level=2.0, since="2017-08-18", complaint=("2025-06-14", 0))),
    ("C0006", "北京华远投资集团有限公司太原分公司", "华远投资太原分公司", "company", "B", "general", "new", "B",
     "wang.wei", "active", "金融投资", dict(signing=True, level=1.2, joined="2025-03-18", signing_from="2025-04-01")),
    ("C0007", "山西华宇房地产开发有限公司", "华宇地产", "company", "B", "general", "existing", "B", "wang.wei",
     "active", "房地产", dict(signing=True, level=1.6, since="2019-04-09", pay="overdue", stop="2026-02-28",
                             over=True, last_trade="2026-06-30", extension="2025-09-16", repay_agreement="2026-06-18")),
    ("C0008", "太原市小店区人民政府办公室", "小店区政府办", "government", "C", "general", "existing", "B", "wang.wei",
     "active", "政府机关", dict(signing=True, level=0.9, since="2018-10-15")),
    ("C0009", "王建国", "王建国", "individual", "B", "general", "existing", "C", "wang.wei", "active",
     "个人会员（民营企业主）", dict(level=0.8, since="2021-02-20", vip=True, complaint=("2026-03-08", 2))),
    ("C0010", "山西美佳连锁超市有限公司", "美佳超市", "company", "C", "scattered", "existing", "C", "wang.wei",
     "active", "批发零售", dict(level=0.5, since="2022-06-01", skip=0.3)),
    ("C0011", "山西青年国际旅行社有限公司", "青年国旅", "partner", "B", "general", "existing", "B", "wang.wei",
     "active", "旅游服务", dict(level=1.0, since="2018-05-05")),
    ("C0012", "太原恒泰医药有限公司", "恒泰医药", "company", "D", "scattered", "prospective", "C", "wang.wei",
     "prospect", "医药", dict(prospect="2025-09-09")),
    ("C0013", "山西省文化旅游发展促进中心", "文旅促进中心", "government", "B", "general", "existing", "B", "liu.yang",
     "active", "政府机关（事业单位）", dict(signing=True, level=1.0, since="2020-04-16")),
    ("C0014", "山西晋电输变电工程有限公司", "晋电输变电", "special", "A", "key", "existing", "A", "liu.yang",
     "active", "电力工程", dict(signing=True, level=2.1, since="2017-11-02", complaint=("2025-10-22", 1),
                               signatory_update="2026-03-10")),
    ("C0015", "山西同德焦化集团有限公司", "同德焦化", "special", "B", "key", "existing", "A", "liu.yang", "active",
     "煤炭能源", dict(signing=True, level=2.3, since="2019-01-08", pay="slow", over=True)),
    ("C0016", "赵丽华", "赵丽华", "individual", "C", "scattered", "existing", "C", "liu.yang", "active",
     "个人会员（医生）", dict(level=0.5, since="2022-09-09", skip=0.35)),
    ("C0017", "太原星河婚庆礼仪有限公司", "星河婚庆", "partner", "B", "general", "new", "B", "liu.yang", "active",
     "婚庆服务", dict(level=1.1, joined="2025-04-08")),
    ("C0018", "山西鑫达物流有限公司", "鑫达物流", "company", "E", "scattered", "existing", "C", "liu.yang",
     "withdrawn", "交通物流", dict(level=0.6, since="2020-03-03", withdraw="2025-08-15")),
    ("C0019", "晋阳职业技术学院继续教育学院", "晋阳职院继教学院", "special", "C", "general", "existing", "B",
     "liu.yang", "active", "教育培训", dict(signing=True, level=0.8, since="2021-09-01")),
    ("C0020", "刘志强", "刘志强", "individual", "E", "scattered", "existing", "C", "liu.yang", "dormant",
     "个人会员（个体工商户）", dict(level=0.5, since="2019-12-12", last_trade="2025-06-30")),
    ("C0021", "Hanseatic Food Import GmbH", "汉萨食品", "company", "A", "key", "existing", "A", "chen.xiaoyu",
     "active", "食品进口批发", dict(export=0, method="L/C", level=2.0, since="2019-06-20", terms="2025-02-18")),
    ("C0022", "Sakura Trading Co., Ltd.", "樱花贸易", "company", "B", "general", "existing", "B", "chen.xiaoyu",
     "active", "食品进口批发", dict(export=1, method="T/T", level=1.2, since="2021-10-11", terms="2025-03-12",
                                   ledger=True)),
    ("C0023", "Pacific Rim Imports Pty Ltd", "环太平洋进口", "company", "C", "general", "new", "B", "chen.xiaoyu",
     "active", "食品进口批发", dict(export=2, method="D/P", level=1.0, joined="2025-05-20", terms="2025-05-22")),
    ("C0024", "Altyn Trade LLP", "阿尔腾贸易", "company", "B", "general", "new", "C", "chen.xiaoyu", "active",
     "日用品进出口", dict(export=5, method="O/A", level=1.0, joined="2026-02-24", terms="2026-02-26", ledger=True)),
    ("C0025", "Dubai Oasis General Trading LLC", "迪拜绿洲贸易", "company", "D", "scattered", "existing", "C",
     "chen.xiaoyu", "active", "综合贸易", dict(export=3, method="D/A", level=0.6, since="2023-04-18",
                                           terms="2025-04-10", quarters=((2025, 2), (2025, 4)))),
    ("C0026", "太原市晋阳湖生态园区管理委员会", "晋阳湖园区管委会", "government", "A", "key", "new", "A", "sun.hao",
     "active", "政府机关", dict(signing=True, level=1.9, joined="2025-02-26", signing_from="2025-02-26")),
    ("C0027", "太原万象商业管理有限公司", "万象商管", "company", "B", "general", "existing", "B", "sun.hao",
     "active", "商业地产运营", dict(signing=True, level=1.1, since="2020-08-08", complaint=("2026-11-12", 4))),
    ("C0028", "山西联信通信服务有限公司", "联信通信", "special", "B", "key", "existing", "A", "sun.hao", "active",
     "通信服务", dict(signing=True, level=1.8, since="2018-12-01", pay="overdue", stop="2026-06-20",
                     extension="2026-07-14")),
    ("C0029", "山西携游国际旅行社有限公司", "携游国旅", "partner", "A", "general", "existing", "B", "sun.hao",
     "active", "旅游服务", dict(level=1.3, since="2019-05-28")),
    ("C0030", "张伟", "张伟", "individual", "A", "scattered", "new", "C", "sun.hao", "active",
     "个人会员（科技公司创始人）", dict(level=0.9, joined="2026-09-18", vip=True)),
    ("C0031", "太原滨河置业有限公司", "滨河置业", "company", "C", "general", "prospective", "C", "sun.hao",
     "prospect", "房地产", dict(prospect="2026-05-12")),
    ("C0032", "山西金盾安保服务有限公司", "金盾安保", "company", "D", "scattered", "existing", "C", "sun.hao",
     "dormant", "安保服务", dict(level=0.5, since="2021-03-15", last_trade="2025-09-30")),
    ("C0033", "李明", "李明", "individual", "C", "scattered", "existing", "C", "sun.hao", "withdrawn",
     "个人会员（律师）", dict(level=0.6, since="2020-10-10", withdraw="2026-05-20")),
]

FOREIGN_ADDRESSES = {
    "Hanseatic Food Import GmbH": ("Große Elbstraße 145, 22767 Hamburg, Germany", "+49 40 3861 2200"),
    "Sakura Trading Co., Ltd.": ("2-3-1 Nakanoshima, Kita-ku, Osaka 530-0005, Japan", "+81 6 6202 7788"),
    "Pacific Rim Imports Pty Ltd": ("88 Harris Street, Pyrmont NSW 2009, Australia", "+61 2 9552 4100"),
    "Altyn Trade LLP": ("Dostyk Avenue 132, Almaty 050051, Kazakhstan", "+7 727 264 3310"),
    "Dubai Oasis General Trading LLC": ("Office 1204, Al Maktoum Road, Deira, Dubai, UAE", "+971 4 295 6620"),
}


def _contacts(rng: random.Random, nature: str, signing: bool) -> list[dict]:
    contacts = []
    for index in range(rng.randint(2, 3)):
        name, _ = person_name(rng)
        title = (V.SIGNATORY_TITLES if index == 0 else V.CONTACT_TITLES)[rng.randrange(6)]
        contact = {"name": name, "title": title, "phone": mobile(rng)}
        if index == 0 or (signing and index == 1):
            contact["signatory"] = True
        contacts.append(contact)
    return contacts


def make_customers(rng: random.Random) -> list[Customer]:
    customers = []
    member_serial = {}
    for cid, name, short, nature, grade, volume, time_class, abc, manager, status, industry, story in ROWS:
        story = dict(story)
        district, route = rng.choice(V.DISTRICTS)
        fields = dict(id=cid, name=name, short_name=short, nature=nature, industry=industry, manager=manager,
                      grade=grade, volume_class=volume, time_class=time_class, abc_class=abc, status=status)
        since = d(story.get("since") or story.get("joined") or story.get("prospect"))
        if "export" in story:
            _, _, country, city, currency, contact, title = V.FOREIGN_BUYERS[story["export"]]
            address, phone = FOREIGN_ADDRESSES[name]
            fields.update(address=address, phone=phone, founded=dt.date(rng.randint(1978, 2012), rng.randint(1, 12), 1),
                          first_trade=since, organisation_type="外国企业", region=f"{country}{city}",
                          route="外销-" + {"德国": "欧洲", "瑞典": "欧洲", "意大利": "欧洲"}.get(country, "亚太及中东"),
                          country=country, export=True, payment_terms=V.PAYMENT_TERMS[story["method"]],
                          contacts=[{"name": contact, "title": title, "email": f"{contact.split()[0].lower()}@"
                                     f"{name.split()[0].lower()}.com", "signatory": True}], owner=name,
                          legal_representative=contact)
        elif nature == "individual":
            fields.update(address=f"太原市{district}{rng.choice(V.STREETS)}{rng.randint(1, 300)}号", phone=mobile(rng),
                          first_trade=since, organisation_type="个人", region=district, route=route, member_since=since,
                          contacts=[{"name": name, "title": "本人", "phone": mobile(rng), "signatory": True}])
        else:
            legal, _ = person_name(rng)
            org = {"government": "机关法人", "special": "国有控股企业"}.get(nature, "有限责任公司")
            fields.update(address=f"太原市{district}{rng.choice(V.STREETS)}{rng.randint(1, 300)}号", phone=landline(rng),
                          owner={"government": "国有", "special": "国有控股"}.get(nature, "民营"), legal_representative=legal,
                          founded=dt.date(rng.randint(1990, 2018), rng.randint(1, 12), rng.randint(1, 28)), first_trade=since,
                          organisation_type=org, region=district, route=route,
                          contacts=_contacts(rng, nature, story.get("signing", False)))
            if nature != "government":
                fields["assets"] = f"{rng.randint(5, 900) * 1_000_000}.00 CNY"
        if status == "prospect":
            fields.pop("first_trade", None)
        c = Customer()
        c.fields = fields
        c.extra = story
        c.signing = bool(story.get("signing"))
        if c.signing:
            fields["payment_terms"] = "签单挂账，月结30天"
        if "export" in story:
            c.currency = V.FOREIGN_BUYERS[story["export"]][4]
            c.payment_method = story["method"]
            c.id_document = ("other", f"{city[:1].upper()}RB-{rng.randint(100000, 999999)}", f"{country}{city}商业登记机关")
        elif nature == "individual":
            born = dt.date(rng.randint(1962, 1990), rng.randint(1, 12), rng.randint(1, 28))
            c.id_document = ("id_card", id_card_number(rng, born), f"太原市公安局{fields['region']}分局")
            c.membership_type = "vip" if story.get("vip") else "individual"
        else:
            kind = "organisation_code" if nature == "government" else "business_licence"
            c.id_document = (kind, credit_code(rng).replace("91140", "11140" if kind == "organisation_code" else "91140"),
                             f"太原市{'机构编制委员会办公室' if kind == 'organisation_code' else '行政审批服务管理局'}")
            c.membership_type = "vip" if volume == "key" else "corporate"
        if status != "prospect" and "export" not in story:
            member_serial[since.year] = member_serial.get(since.year, 0) + 1
            c.member_number = f"LC{since.year}{member_serial[since.year]:03d}"
            if nature != "individual":
                fields["member_since"] = since
        if status == "withdrawn":
            fields["remarks"] = f"已于{story['withdraw']}退会，会员卡已收回"
        elif story.get("over"):
            fields["remarks"] = "签单欠款超出信用额度，暂停新增签单，由客户经理跟进还款"
        elif story.get("pay") == "overdue":
            fields["remarks"] = "存在逾期九十天以上的签单欠款，列入月度重点关注客户名单"
        customers.append(c)
    return customers
