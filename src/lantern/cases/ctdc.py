"""The cases in the layout of the Counter Trafficking Data Collaborative (CTDC) global dataset.

One row per potential victim (a party of three is three rows), CTDC's column names, and nothing
personal: no name, no contact, no place below the country, no free text, no date finer than the
year. Values use CTDC's codes: ``ageBroad`` bands, ``majorityStatus`` Adult/Minor, ``gender``,
``citizenship`` as an ISO 3166 code, and 1/0 indicators.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lantern.cases.choices import (
    CaseCitizenshipChoices,
    CaseControlMethodChoices,
    CaseGenderChoices,
    CasePartyRoleChoices,
)
from lantern.core import spreadsheet

CONTROL_COLUMNS = {
    CaseControlMethodChoices.DEBT_BONDAGE: "meansOfControlDebtBondage",
    CaseControlMethodChoices.TAKES_EARNINGS: "meansOfControlTakesEarnings",
    CaseControlMethodChoices.RESTRICTS_FINANCIAL_ACCESS: "meansOfControlRestrictsFinancialAccess",
    CaseControlMethodChoices.THREATS: "meansOfControlThreats",
    CaseControlMethodChoices.PSYCHOLOGICAL_ABUSE: "meansOfControlPsychologicalAbuse",
    CaseControlMethodChoices.PHYSICAL_ABUSE: "meansOfControlPhysicalAbuse",
    CaseControlMethodChoices.SEXUAL_ABUSE: "meansOfControlSexualAbuse",
    CaseControlMethodChoices.FALSE_PROMISES: "meansOfControlFalsePromises",
    CaseControlMethodChoices.PSYCHOACTIVE_SUBSTANCES: "meansOfControlPsychoactiveSubstances",
    CaseControlMethodChoices.RESTRICTS_MOVEMENT: "meansOfControlRestrictsMovement",
    CaseControlMethodChoices.RESTRICTS_MEDICAL_CARE: "meansOfControlRestrictsMedicalCare",
    CaseControlMethodChoices.EXCESSIVE_WORKING_HOURS: "meansOfControlExcessiveWorkingHours",
    CaseControlMethodChoices.USES_CHILDREN: "meansOfControlUsesChildren",
    CaseControlMethodChoices.THREAT_OF_LAW_ENFORCEMENT: "meansOfControlThreatOfLawEnforcement",
    CaseControlMethodChoices.WITHHOLDS_NECESSITIES: "meansOfControlWithholdsNecessities",
    CaseControlMethodChoices.WITHHOLDS_DOCUMENTS: "meansOfControlWithholdsDocuments",
    CaseControlMethodChoices.OTHER: "meansOfControlOther",
    CaseControlMethodChoices.NOT_SPECIFIED: "meansOfControlNotSpecified",
}
LABOUR_COLUMNS = {
    "agriculture": "typeOfLabourAgriculture",
    "forestry": "typeOfLabourAgriculture",
    "landscaping": "typeOfLabourAgriculture",
    "peddling_begging": "typeOfLabourBegging",
    "construction": "typeOfLabourConstruction",
    "domestic_work": "typeOfLabourDomesticWork",
    "hotels": "typeOfLabourHospitality",
    "restaurants": "typeOfLabourHospitality",
    "illicit_activities": "typeOfLabourIllicitActivities",
    "factories": "typeOfLabourManufacturing",
    "traveling_sales_crews": "typeOfLabourPeddling",
}
SEX_COLUMNS = {
    "escort_services": "typeOfSexProstitution",
    "outdoor_solicitation": "typeOfSexProstitution",
    "illicit_massage": "typeOfSexProstitution",
    "bars_strip_clubs": "typeOfSexProstitution",
    "residential": "typeOfSexProstitution",
    "pornography": "typeOfSexPornography",
    "remote_sexual_acts": "typeOfSexRemoteInteractiveServices",
    "personal_sexual_servitude": "typeOfSexPrivateSexualServices",
}
LABOUR_ALL = sorted({*LABOUR_COLUMNS.values(), "typeOfLabourOther", "typeOfLabourNotSpecified"})
SEX_ALL = sorted({*SEX_COLUMNS.values(), "typeOfSexOther", "typeOfSexNotSpecified"})
COLUMNS = [
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
    "CountryOfExploitation", *CONTROL_COLUMNS.values(), "isForcedLabour", "isSexualExploit",
    "isOtherExploit", *LABOUR_ALL, *SEX_ALL,
]  # fmt: skip
GENDER = {
    CaseGenderChoices.WOMAN: "Woman",
    CaseGenderChoices.MAN: "Man",
    CaseGenderChoices.TRANSGENDER_NONBINARY: "Trans/Transgender/NonConforming",
}


def _citizenship(party) -> str:
    if party.citizenship == CaseCitizenshipChoices.US_CITIZEN:
        return "US"
    if party.citizenship == CaseCitizenshipChoices.FOREIGN_NATIONAL:
        return party.nationality or ""
    return ""


def _kind(columns: dict, venue: str, prefix: str) -> str:
    if venue in columns:
        return columns[venue]
    return f"{prefix}NotSpecified" if venue == "unknown" else f"{prefix}Other"


def rows(cases: Iterable) -> Iterator[dict]:
    """CTDC rows for ``cases`` (with their parties prefetched)."""
    for case in cases:
        labour = case.trafficking_type in ("labor", "sex_and_labor")
        sexual = case.trafficking_type in ("sex", "sex_and_labor")
        methods = set(case.control_methods) or {CaseControlMethodChoices.NOT_SPECIFIED}
        base = {
            "yearOfRegistration": case.created_at.year,
            "Datasource": "Hotline",
            "CountryOfExploitation": "US",
            **{column: int(method in methods) for method, column in CONTROL_COLUMNS.items()},
            "isForcedLabour": int(labour),
            "isSexualExploit": int(sexual),
            "isOtherExploit": 0,
            **dict.fromkeys(LABOUR_ALL, 0),
            **dict.fromkeys(SEX_ALL, 0),
        }
        if labour:
            base[_kind(LABOUR_COLUMNS, case.venue, "typeOfLabour")] = 1
        if sexual:
            base[_kind(SEX_COLUMNS, case.venue, "typeOfSex")] = 1
        for party in case.parties.all():
            if party.role != CasePartyRoleChoices.POTENTIAL_VICTIM:
                continue
            person = {
                **base,
                "gender": GENDER.get(party.gender, ""),
                "ageBroad": "" if party.age_band == "unknown" else party.age_band,
                "majorityStatus": {True: "Minor", False: "Adult"}.get(party.minor, ""),
                "citizenship": _citizenship(party),
            }
            for _ in range(party.count):
                yield person


def write(cases: Iterable, out) -> int:
    writer = spreadsheet.dict_writer(out, COLUMNS)
    writer.writeheader()
    written = 0
    for row in rows(cases):
        writer.writerow(row)
        written += 1
    return written
