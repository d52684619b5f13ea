"""The generator's identifiable-record rule (omnichannel.generate.linkable) on hand-made records.

Worked out by hand: records link the nodes they carry; references (``ref:``) link records
but are not identifiers of a person; junk placeholders never link.
"""

from __future__ import annotations

import pandas as pd

from omnichannel.generate.linkable import (
    _card_values,
    _email_values,
    _ga_client_id_values,
    _phone_numbers,
    _phone_values,
    components,
)


def nodes(kind: str, values) -> list[str | None]:
    """The node each value becomes, `kind:value`; None where the rule rejects it (null, or
    -1 for a phone: the person's number stands for the phone in any format)."""
    listed = values.tolist() if hasattr(values, "tolist") else values.to_pylist()
    return [
        None if value is None or (isinstance(value, int) and value < 0) else f"{kind}:{value}"
        for value in listed
    ]


def test_junk_identifiers_never_link():
    assert nodes("email", _email_values([" Test@Test.com ", " Anna@Mail.DE", None])) == [
        None,
        "email:anna@mail.de",
        None,
    ]
    assert nodes("phone", _phone_values(["0000000000", "+49 (0) 30 1234"], [3, 4])) == [
        None,
        "phone:4",
    ]
    assert nodes("loyalty", _card_values(["L9010000000", " l1000000042 "])) == [
        None,
        "loyalty:L1000000042",
    ]


def test_two_people_given_the_same_number_share_the_phone_node():
    # the scale-3 world's case: people 1 and 2 were drawn the same local number; an
    # account of one and a CRM contact of the other carry it in different formats
    people = pd.DataFrame({"phone_e164": ["+4930111111", "+4968701564", "+4968701564"]})
    number = _phone_numbers(people, [1, 2, 0, -1])
    assert number[0] == number[1]
    assert number[2] != number[0]
    assert number[3] == -1
    phones = _phone_values(["0049 68701564", "(068) 701-564", "+4930111111", "+4930111111"], number)
    assert phones[0] == phones[1] >= 0
    assert phones[2] != phones[0]
    assert phones[3] == -1  # a row of no person: its phone stands for no number
    # as any warehouse would: the shared number links the two people's records
    pairs = pd.DataFrame(
        [
            ("ecommerce.customers:A1", "account:A1"),
            ("ecommerce.customers:A1", f"phone:{phones[0]}"),
            ("crm.contacts:CT2", "contact:CT2"),
            ("crm.contacts:CT2", f"phone:{phones[1]}"),
            ("ecommerce.customers:A0", "account:A0"),
            ("ecommerce.customers:A0", f"phone:{phones[2]}"),
        ],
        columns=["record", "node"],
    )
    found = components(pairs).set_index("record")["component"]
    assert found["ecommerce.customers:A1"] == found["crm.contacts:CT2"]
    assert found["ecommerce.customers:A0"] != found["ecommerce.customers:A1"]


def test_references_link_records_into_one_component():
    pairs = pd.DataFrame(
        [
            ("ticket:1", "email:a"),
            ("ticket:1", "ref:O1"),
            ("order:O1", "ref:O1"),  # an anonymous order named by the ticket
            ("session:1", "cookie:c1"),  # a cookie never tied to anything
            ("order:O2", "ref:O2"),  # an anonymous order nobody names
        ],
        columns=["record", "node"],
    )
    found = components(pairs).set_index("record")
    assert found.loc["ticket:1", "component"] == found.loc["order:O1", "component"]
    assert found.loc["session:1", "component"] != found.loc["ticket:1", "component"]
    # identifiers per component: references do not count
    assert found["identifiers"].to_dict() == {
        "ticket:1": 1,
        "order:O1": 1,
        "session:1": 1,
        "order:O2": 0,
    }


def test_a_web_form_client_id_is_the_cookie_of_the_browser():
    # as staging's normalize_ga_client_id: the raw _ga cookie is cut after its second dot
    assert nodes(
        "cookie",
        _ga_client_id_values(
            [" ckP0000001-0 ", "GA1.1.ckP0000002-1", "ga1.2.123456.789", "GA1.1.", None]
        ),
    ) == ["cookie:ckP0000001-0", "cookie:ckP0000002-1", "cookie:123456.789", None, None]
    # a lead from a web form ties the browser's sessions to its CRM contact
    pairs = pd.DataFrame(
        [
            ("session:1", "cookie:ckP0000002-1"),
            ("crm.leads:L1", "contact:CT1"),
            ("crm.leads:L1", "cookie:ckP0000002-1"),
            ("crm.contacts:CT1", "contact:CT1"),
        ],
        columns=["record", "node"],
    )
    assert components(pairs)["component"].nunique() == 1
