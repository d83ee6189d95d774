"""Synthetic, diverse British names with an associated home language."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class NameGroup:
    """First names by gender, surnames, a language code and a base weight."""

    key: str
    language: str
    weight: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]


GROUPS: tuple[NameGroup, ...] = (
    NameGroup(
        "british",
        "en",
        70.0,
        (
            "Emma",
            "Sarah",
            "Helen",
            "Amy",
            "Zoe",
            "Jade",
            "Lucy",
            "Claire",
            "Rachel",
            "Sophie",
            "Karen",
            "Gemma",
            "Hannah",
            "Jessica",
            "Laura",
            "Megan",
            "Chloe",
            "Susan",
            "Margaret",
            "Joanne",
            "Nicola",
            "Kirsty",
            "Charlotte",
            "Ellie",
            "Beth",
            "Paula",
        ),
        (
            "James",
            "Daniel",
            "Gary",
            "Lee",
            "Chris",
            "Mark",
            "Paul",
            "Steven",
            "David",
            "Ryan",
            "Jamie",
            "Liam",
            "Craig",
            "Adam",
            "Tom",
            "Michael",
            "Kevin",
            "Dean",
            "Stuart",
            "Callum",
            "Nathan",
            "Peter",
            "Graham",
            "Ian",
            "Scott",
            "Connor",
        ),
        (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Wilson",
            "Evans",
            "Walker",
            "Hughes",
            "Clarke",
            "Edwards",
            "Johnson",
            "Robinson",
            "Wright",
            "Thompson",
            "White",
            "Hall",
            "Green",
            "Wood",
            "Harris",
            "Lewis",
            "Martin",
            "Jackson",
            "Cooper",
            "Hill",
            "Ward",
            "Turner",
            "Parker",
            "Collins",
            "Morris",
            "Bennett",
            "Shaw",
            "Murphy",
            "O'Brien",
            "Kelly",
            "Doyle",
        ),
    ),
    NameGroup(
        "caribbean",
        "en",
        4.0,
        ("Marcia", "Sharon", "Chantelle", "Jasmine", "Paulette", "Simone", "Janelle", "Yvonne"),
        ("Winston", "Delroy", "Marcus", "Tyrone", "Leon", "Andre", "Errol", "Courtney"),
        (
            "Campbell",
            "Brown",
            "Williams",
            "Thompson",
            "Francis",
            "Grant",
            "Morgan",
            "Reid",
            "Henry",
        ),
    ),
    NameGroup(
        "west_african",
        "en",
        3.0,
        ("Ngozi", "Adaeze", "Funmi", "Abena", "Chioma", "Folake", "Ama"),
        ("Chinedu", "Olu", "Kwame", "Emeka", "Tunde", "Kofi", "Segun"),
        ("Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng", "Adebayo", "Owusu"),
    ),
    NameGroup(
        "punjabi",
        "pa",
        3.0,
        ("Gurpreet", "Harjit", "Baljit", "Amrit", "Manjit", "Harpreet", "Sukhjit", "Jaswinder"),
        ("Jaspal", "Gurdeep", "Sukhdev", "Rajinder", "Kuldip", "Harvinder", "Balwinder", "Amarjit"),
        ("Dhillon", "Sandhu", "Gill", "Sidhu", "Bains", "Johal", "Sahota", "Virdee"),
    ),
    NameGroup(
        "pakistani",
        "ur",
        4.0,
        ("Ayesha", "Fatima", "Sana", "Nadia", "Saima", "Shazia", "Hina", "Zainab"),
        ("Mohammed", "Imran", "Asif", "Zain", "Bilal", "Usman", "Tariq", "Adeel"),
        ("Khan", "Hussain", "Ahmed", "Iqbal", "Akhtar", "Mahmood", "Shah", "Rashid", "Butt"),
    ),
    NameGroup(
        "bangladeshi",
        "bn",
        2.0,
        ("Rahima", "Nasima", "Salma", "Shirin", "Taslima", "Runa", "Rokeya"),
        ("Rahim", "Abdul", "Shahid", "Jamal", "Kamal", "Sohel", "Anwar"),
        ("Rahman", "Uddin", "Miah", "Islam", "Chowdhury", "Ali", "Hoque"),
    ),
    NameGroup(
        "gujarati",
        "gu",
        2.0,
        ("Hetal", "Priya", "Nisha", "Bhavna", "Meena", "Dipika", "Kajal"),
        ("Nilesh", "Hitesh", "Jayesh", "Pravin", "Rakesh", "Kiran", "Sanjay"),
        ("Patel", "Mistry", "Parmar", "Solanki", "Chauhan", "Desai", "Lad"),
    ),
    NameGroup(
        "polish",
        "pl",
        3.0,
        ("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa", "Anna", "Marta", "Monika"),
        ("Piotr", "Tomasz", "Krzysztof", "Marek", "Pawel", "Jakub", "Lukasz", "Marcin"),
        (
            "Nowak",
            "Kowalski",
            "Wojcik",
            "Kaminski",
            "Lewandowski",
            "Zielinski",
            "Mazur",
            "Krawczyk",
        ),
    ),
    NameGroup(
        "romanian",
        "ro",
        1.5,
        ("Ioana", "Elena", "Andreea", "Maria", "Cristina", "Alina", "Roxana"),
        ("Andrei", "Ionut", "Mihai", "Florin", "Gabriel", "Stefan", "Vlad"),
        ("Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Radu", "Constantin"),
    ),
    NameGroup(
        "somali",
        "so",
        1.0,
        ("Amina", "Hodan", "Faduma", "Sahra", "Ifrah", "Hawa", "Ayan"),
        ("Abdi", "Mohamed", "Hassan", "Yusuf", "Abdirahman", "Mahad", "Guled"),
        ("Farah", "Warsame", "Omar", "Jama", "Hussein", "Osman", "Abdullahi"),
    ),
    NameGroup(
        "welsh",
        "cy",
        0.0,
        ("Ffion", "Cerys", "Angharad", "Sian", "Nia", "Bethan", "Eleri", "Gwen", "Seren"),
        ("Rhys", "Dafydd", "Gareth", "Owain", "Iwan", "Huw", "Aled", "Emyr", "Gethin"),
        (
            "Jones",
            "Davies",
            "Evans",
            "Williams",
            "Morgan",
            "Roberts",
            "Pritchard",
            "Lloyd",
            "Owen",
            "Griffiths",
            "Price",
            "Rees",
        ),
    ),
)


@dataclass(frozen=True)
class Person:
    """A synthetic person: name, gender and home language."""

    first: str
    last: str
    gender: str
    language: str
    group: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def _weights(region: str, diversity: float) -> list[float]:
    weights = []
    for g in GROUPS:
        if g.key == "british":
            w = g.weight
        elif g.key == "welsh":
            w = 45.0 if region == "wales" else 0.0
        else:
            w = g.weight * diversity
            if g.key == "gujarati" and region in ("east_midlands", "london"):
                w *= 2.5
            if g.key in ("pakistani", "punjabi") and region in ("west_midlands", "yorkshire"):
                w *= 1.6
            if g.key == "bangladeshi" and region == "london":
                w *= 2.0
        weights.append(w)
    return weights


def make_person(
    rng: random.Random,
    region: str,
    diversity: float,
    gender: str | None = None,
    group: str | None = None,
    surname: str | None = None,
) -> Person:
    """A synthetic person typical of the region (optionally of a given group or surname)."""
    g = (
        next(x for x in GROUPS if x.key == group)
        if group
        else rng.choices(GROUPS, _weights(region, diversity))[0]
    )
    gender = gender or rng.choice(("female", "male"))
    first = rng.choice(g.female if gender == "female" else g.male)
    last = surname or rng.choice(g.surnames)
    if g.key == "punjabi" and surname is None and rng.random() < 0.4:
        last = "Kaur" if gender == "female" else "Singh"
    if g.key == "bangladeshi" and surname is None and gender == "female" and rng.random() < 0.3:
        last = "Begum"
    if g.key == "polish" and gender == "female" and last.endswith("ski"):
        last = last[:-1] + "a"
    return Person(first, last, gender, g.language, g.key)


def email(person: Person, ident: str, domain: str) -> str:
    """`first.last.<id>@domain`, ASCII letters only."""

    def slug(s: str) -> str:
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
        return "".join(ch for ch in s.lower() if ch.isalnum())

    return f"{slug(person.first)}.{slug(person.last)}.{ident.lower()}@{domain}"
