"""The annual summary paragraph: the seed's sentence, written from a figures dict."""

from decimal import Decimal

from reports.summary import annual_summary, in_wan, plain_number

SEED_2023 = {
    "stations": 11, "social_workers": 22, "trainings": 12, "training_hours": 120, "supervisions": 65,
    "supervision_hours": 145, "station_evaluations": 12, "visits": 5665,
    "visited_clients_by_category": {
        "subsistence_allowance": 4139, "extreme_poverty": 373, "children_in_distress": 801, "disability": 441,
        "left_behind_elderly": 0, "empty_nest_elderly": 0, "other": 711,
    },
    "resources_linked_amount": "65000.00", "casework": 18, "groupwork": 20, "community_activities": 162,
    "people_served": 22418,
}


def test_numbers_are_written_the_way_the_bureau_writes_them():
    assert in_wan("65000.00", "元") == "6.5万元"
    assert in_wan(22418, "人") == "2.2万余人"
    assert in_wan(22000, "人") == "2.2万人"
    assert in_wan(120000, "元") == "12万元"
    assert in_wan(Decimal("65432.10"), "元") == "6.5万余元"
    assert in_wan("9876.50", "元") == "9876.5元"
    assert in_wan(0, "人") == "0人"
    assert plain_number(120) == "120" and plain_number(Decimal("120.0")) == "120"
    assert plain_number(7.5) == "7.5" and plain_number("145.0") == "145"


def test_the_seeds_2023_paragraph():
    text = annual_summary(year=2023, values=SEED_2023)
    assert text.startswith("2023年,社工指导中心组织开展主题培训12场次,累计120个学时;开展督导65次,累计督导时长145小时;")
    assert ("11个镇(街道)社会工作服务站服务探访已建档服务对象5665次,其中低保4139人、特困373人、困境儿童801人、"
            "残疾人441人、其他困难群体711人,链接资源金额为6.5万元;") in text
    assert text.endswith("个案工作开展18个,小组工作开展20个,社区活动开展162场,服务困难群众总计2.2万余人。")


def test_one_stations_paragraph_names_the_station_and_skips_empty_parts():
    values = {
        **SEED_2023, "trainings": 0, "training_hours": 0, "supervisions": 6, "supervision_hours": 12.5,
        "station_evaluations": 0, "visits": 512, "resources_linked_amount": "3200.00", "people_served": 1890,
        "visited_clients_by_category": {**dict.fromkeys(SEED_2023["visited_clients_by_category"], 0),
                                        "subsistence_allowance": 380, "empty_nest_elderly": 12},
    }
    text = annual_summary(year=2024, values=values, station_name="小河镇社会工作服务站")
    assert text == ("2024年,小河镇社会工作服务站接受督导6次,累计督导时长12.5小时。"
                    "小河镇社会工作服务站服务探访已建档服务对象512次,其中低保380人、空巢老人12人,"
                    "链接资源金额为3200元;个案工作开展18个,小组工作开展20个,社区活动开展162场,服务困难群众总计1890人。")


def test_a_year_without_workforce_records_starts_with_the_year():
    values = {**SEED_2023, "trainings": 0, "supervisions": 0, "station_evaluations": 0}
    assert annual_summary(year=2025, values=values).startswith("2025年,11个镇(街道)社会工作服务站服务探访")
