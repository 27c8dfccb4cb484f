"""Write the labelled set that ``lantern scrub_eval`` scores the scrubber on (issue 22 part 6).

    python bench/make_scrub_eval.py > src/lantern/privacy/data/scrub_eval/transcripts.jsonl

Synthetic conversations between a caller and the hotline, in English and Spanish, written the
way people text: lower case, no punctuation, typos, numbers in every format people use, ages in
words, dates of birth in several orders, ID numbers of several countries. Every value is made up
(555 numbers, example.org addresses, invented ID numbers); each is labelled with its type and its
exact place in its message. The set is fixed (a seeded generator), so figures compare across
changes. It was written by the same person as the recognisers, so its figures are optimistic
(docs/privacy.md); a set written apart is the honest measure.
"""

from __future__ import annotations

import json
import random
import sys

RNG = random.Random(22)

FIRST = {
    "en": [
        "Maria",
        "James",
        "Ana",
        "Kevin",
        "Jasmine",
        "Tyler",
        "Destiny",
        "Brandon",
        "Ashley",
        "Marcus",
        "Keisha",
        "Dmitri",
        "Olena",
        "Grace",
        "Jin",
        "Mei",
        "Tuan",
        "Linh",
        "Amara",
        "Chloe",
        "DeShawn",
        "Priya",
        "Samantha",
        "Luis",
        "Rosa",
        "Nicole",
        "Andre",
        "Faith",
    ],
    "es": [
        "María",
        "José",
        "Guadalupe",
        "Juan",
        "Carmen",
        "Luis",
        "Rosa",
        "Jesús",
        "Alejandra",
        "Miguel",
        "Yesenia",
        "Esperanza",
        "Francisco",
        "Maribel",
        "Wilmer",
        "Dayana",
        "Kevin",
        "Brenda",
        "Santos",
        "Marleny",
        "Elmer",
        "Yadira",
        "Osmin",
        "Lupita",
        "Ángel",
    ],
}
LAST = [
    "Garcia",
    "Hernández",
    "Lopez",
    "Martínez",
    "Smith",
    "Johnson",
    "Nguyen",
    "Kim",
    "Okafor",
    "Petrenko",
    "Ramírez",
    "Flores",
    "Cruz",
    "Reyes",
    "Williams",
    "Brown",
    "Chen",
    "Morales",
    "Castillo",
    "Torres",
    "Mendoza",
    "Washington",
    "Rivera",
    "Santos",
]


def phone():
    n = RNG.randint(100, 199)
    area = RNG.choice(["202", "713", "915", "305", "404", "832"])
    return RNG.choice(
        [
            f"({area}) 555-0{n}",
            f"{area}-555-0{n}",
            f"{area}.555.0{n}",
            f"{area}5550{n}",
            f"+1 {area} 555 0{n}",
            f"1-{area}-555-0{n}",
            f"{area} 555 0{n}",
            f"+1{area}5550{n}",
            f"+52 55 5555 0{n}",
            f"55 5555 0{n}",
            f"+504 9555-0{n}",
            f"+503 7555 0{n}",
            f"+502 5555 0{n}",
            f"{area} 5550{n}",
        ]
    )


def email(first, last):
    user = RNG.choice(
        [
            first.lower(),
            f"{first.lower()}.{last.lower()}",
            f"{first[0].lower()}{last.lower()}{RNG.randint(1, 99)}",
            f"{first.lower()}_{RNG.randint(80, 99)}",
        ]
    )
    user = user.translate(str.maketrans("áéíóúñ", "aeioun"))
    return f"{user}@{RNG.choice(['example.org', 'example.com', 'mail.example.net'])}"


def person(lang):
    first = RNG.choice(FIRST[lang])
    if RNG.random() < 0.4:
        return first, f"{first} {RNG.choice(LAST)}"
    return first, first


ADDRESSES = {
    "en": [
        "{n} Elm Street",
        "{n} W Oak Ave Apt 3",
        "{n} north main st",
        "{n} Pine Rd",
        "{n} Martin Luther King Jr Blvd",
        "{n} Cedar Lane",
        "{n} S 3rd St #{m}",
        "{n} Industrial Pkwy",
        "{n} old highway 90",
    ],
    "es": [
        "Calle 5 de Mayo #{n}",
        "Av. Reforma {n}",
        "calle Juárez {n} col. Centro",
        "{n} Elm Street",
        "Avenida Las Palmas {n}",
        "{n} W Oak Ave",
        "colonia San Miguel casa {m}",
    ],
}
PLACES = {
    "en": [
        "Houston",
        "El Paso",
        "Atlanta",
        "Miami",
        "Las Vegas",
        "Honduras",
        "Ukraine",
        "Nigeria",
        "Guatemala",
        "the Philippines",
        "Dallas",
        "San Antonio",
        "Vietnam",
        "Chicago",
    ],
    "es": [
        "Houston",
        "Tijuana",
        "San Pedro Sula",
        "Guatemala",
        "El Salvador",
        "Honduras",
        "Chiapas",
        "Oaxaca",
        "Los Ángeles",
        "Dallas",
        "México",
        "Tapachula",
        "Nicaragua",
    ],
}
NUM_WORDS = {
    "en": {
        13: "thirteen",
        14: "fourteen",
        15: "fifteen",
        16: "sixteen",
        17: "seventeen",
        19: "nineteen",
        22: "twenty two",
        34: "thirty four",
    },
    "es": {
        13: "trece",
        14: "catorce",
        15: "quince",
        16: "dieciséis",
        17: "diecisiete",
        19: "diecinueve",
        22: "veintidós",
        34: "treinta y cuatro",
    },
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}


def age(lang):
    years = RNG.choice(list(NUM_WORDS[lang]))
    return NUM_WORDS[lang][years] if RNG.random() < 0.35 else str(years)


def dob(lang):
    y, m, d = RNG.randint(1985, 2012), RNG.randint(1, 12), RNG.randint(1, 28)
    month = MONTHS[lang][m - 1]
    if lang == "en":
        return RNG.choice(
            [
                f"{m}/{d}/{y}",
                f"{m:02d}-{d:02d}-{y % 100:02d}",
                f"{month} {d}, {y}",
                f"{d} {month} {y}",
                f"{y}-{m:02d}-{d:02d}",
                f"{month.lower()} {d} {y}",
            ]
        )
    return RNG.choice(
        [
            f"{d}/{m}/{y}",
            f"{d} de {month} de {y}",
            f"{d:02d}-{m:02d}-{y}",
            f"{d} de {month} del {y}",
        ]
    )


def id_number():
    return RNG.choice(
        [
            f"A{RNG.randint(10**8, 10**9 - 1)}",
            f"A-{RNG.randint(100, 999)}-{RNG.randint(100, 999)}-{RNG.randint(100, 999)}",
            f"9{RNG.randint(10, 99)}-{RNG.randint(70, 88)}-{RNG.randint(1000, 9999)}",
            f"X{RNG.randint(1000000, 9999999)}",
            f"{RNG.randint(10**8, 10**9 - 1)}",
            f"0{RNG.randint(1000000, 9999999)}-{RNG.randint(0, 9)}",
            f"{RNG.randint(10**12, 10**13 - 1)}",
            f"GAXJ{RNG.randint(100000, 999999)}HDFLRN0{RNG.randint(1, 9)}",
            f"D{RNG.randint(1000000, 9999999)}",
            f"PA{RNG.randint(1000000, 9999999)}",
        ]
    )


# Message templates. {P}/{P2}: a person (first name, or full name); {F}: the same person's first
# name again; {PHONE} {EMAIL} {ADDR} {AGE} {DOB} {ID} {PLACE}. Without a slot: no personal data.
CALLER = {
    "en": [
        "hi my name is {P} and i need help",
        "this is {P}, i called last week",
        "my names {P} i dont know who else to call",
        "im {AGE} years old",
        "i am {AGE} and my boss takes my pay",
        "she is only {AGE} yrs old",
        "my sister is {AGE}, she is with them now",
        "my number is {PHONE}",
        "call me back at {PHONE} only after 9pm",
        "u can text {PHONE} but dont say who u are",
        "email me at {EMAIL}",
        "my email is {EMAIL} pls dont call",
        "we live at {ADDR}",
        "the house is at {ADDR} the blue one",
        "they keep us at {ADDR} in the back",
        "im in {PLACE} right now",
        "we came from {PLACE} last year",
        "he brought me here from {PLACE}",
        "my passport number is {ID}, the boss has it",
        "my A number is {ID}",
        "they took my id card, number {ID}",
        "his name is {P2}",
        "the man in charge is called {P2}",
        "the boss {P2} says we owe him",
        "my DOB is {DOB}",
        "i was born {DOB}",
        "born on {DOB}",
        "{F} said they will hurt my family",
        "please dont tell {P2} i called",
        "i dont want to give my name",
        "they say if we leave they call immigration",
        "we work 14 hours and they dont pay",
        "is this confidential",
        "my friend {P2} works there too, shes {AGE}",
        "ok thank you",
        "my SSN is {ID} they made me give it",
        "i just turned {AGE} last month",
        "text me {PHONE} or email {EMAIL}",
    ],
    "es": [
        "hola me llamo {P} y necesito ayuda",
        "mi nombre es {P}",
        "soy {P}, llamé la semana pasada",
        "tengo {AGE} años",
        "mi hermana tiene {AGE} años y está con ellos",
        "ella tiene apenas {AGE} años",
        "mi número es {PHONE}",
        "me pueden marcar al {PHONE}",
        "mándame mensaje al {PHONE} pero no digan quién son",
        "mi correo es {EMAIL}",
        "escríbanme a {EMAIL}",
        "vivimos en {ADDR}",
        "la casa está en {ADDR}",
        "nos tienen en {ADDR} atrás",
        "estoy en {PLACE}",
        "venimos de {PLACE} el año pasado",
        "me trajeron de {PLACE}",
        "el patrón tiene mi pasaporte, el número es {ID}",
        "mi número de identificación es {ID}",
        "mi DUI es {ID}",
        "se llama {P2}",
        "el encargado se llama {P2}",
        "el señor {P2} dice que le debemos",
        "nací el {DOB}",
        "mi fecha de nacimiento es {DOB}",
        "{F} dijo que van a lastimar a mi familia",
        "por favor no le digan a {P2} que llamé",
        "no quiero dar mi nombre",
        "dicen que si nos vamos llaman a migración",
        "trabajamos 14 horas y no nos pagan",
        "es confidencial?",
        "mi amiga {P2} también trabaja ahí, tiene {AGE} años",
        "ok gracias",
        "mi CURP es {ID}",
        "cumplí {AGE} años el mes pasado",
        "mi whatsapp es {PHONE}",
    ],
}
HOTLINE = {
    "en": [
        "Thank you for reaching out. You are safe talking to us.",
        "Are you safe to talk right now?",
        "Thank you {F}. Can you tell me where you are?",
        "Is {PHONE} a safe number to call you back?",
        "Okay {F}, I am going to stay with you.",
        "We can connect you with a shelter in {PLACE}.",
        "Do you have your documents with you?",
        "You do not have to give us your name.",
    ],
    "es": [
        "Gracias por comunicarte. Aquí estás a salvo.",
        "¿Puedes hablar ahora sin peligro?",
        "Gracias {F}. ¿Me puedes decir dónde estás?",
        "¿Es seguro llamarte al {PHONE}?",
        "Está bien {F}, voy a seguir contigo.",
        "Podemos buscarte un refugio en {PLACE}.",
        "¿Tienes tus documentos contigo?",
        "No tienes que darnos tu nombre.",
    ],
}
TYPES = {
    "P": "PERSON",
    "P2": "PERSON",
    "F": "PERSON",
    "PHONE": "PHONE",
    "EMAIL": "EMAIL",
    "ADDR": "ADDRESS",
    "AGE": "AGE",
    "DOB": "DATE_OF_BIRTH",
    "ID": "ID",
    "PLACE": "PLACE",
}


def fill(template, values):
    """The message and its labelled spans."""
    text, spans, rest = "", [], template
    while "{" in rest:
        before, _, after = rest.partition("{")
        slot, _, rest = after.partition("}")
        text += before
        value = values[slot]()
        spans.append(
            {"start": len(text), "end": len(text) + len(value), "type": TYPES[slot], "text": value}
        )
        text += value
    text += rest
    if RNG.random() < 0.15:  # some people text in capitals, some write no capitals at all
        text = text.upper() if RNG.random() < 0.3 else text.lower()
        for span in spans:
            span["text"] = text[span["start"] : span["end"]]
    return text, spans


def conversation(number, lang):
    first, full = person(lang)
    other_first, other_full = person(lang)
    last = RNG.choice(LAST)
    phone_value, email_value = phone(), email(first, last)
    values = {
        "P": lambda: full,
        "F": lambda: first,
        "P2": lambda: other_full,
        "PHONE": lambda: phone_value,
        "EMAIL": lambda: email_value,
        "ADDR": lambda: RNG.choice(ADDRESSES[lang]).format(
            n=RNG.randint(12, 9800), m=RNG.randint(1, 40)
        ),
        "AGE": lambda: age(lang),
        "DOB": lambda: dob(lang),
        "ID": id_number,
        "PLACE": lambda: RNG.choice(PLACES[lang]),
    }
    messages, spans = [], []
    opening = RNG.choice([t for t in CALLER[lang] if "{P}" in t])
    picks = [opening] + RNG.sample(CALLER[lang], RNG.randint(2, 5))
    for i, template in enumerate(picks):
        for side, chosen in (("caller", template), ("hotline", RNG.choice(HOTLINE[lang]))):
            if side == "hotline" and (i == len(picks) - 1 or RNG.random() < 0.4):
                continue
            text, found = fill(chosen, values)
            for span in found:
                span["message"] = len(messages)
            messages.append({"from": side, "text": text})
            spans.extend(found)
    return {"id": f"{lang}-{number:03d}", "language": lang, "messages": messages, "spans": spans}


def main():
    for number in range(1, 241):
        lang = "en" if number % 2 else "es"
        sys.stdout.write(json.dumps(conversation(number, lang), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
