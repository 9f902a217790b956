"""Load a real list of universities for the onboarding picker.

Ranks are QS World University Rankings style (about the 2025 edition, approximate; ties
happen); null where unsure. Rows are matched by name, so running it over existing data only fills gaps.
"""

from django.db import migrations

UNIVERSITIES = [
    ("Massachusetts Institute of Technology", "Cambridge", "United States", 1),
    ("Imperial College London", "London", "United Kingdom", 2),
    ("University of Oxford", "Oxford", "United Kingdom", 3),
    ("Harvard University", "Cambridge", "United States", 4),
    ("University of Cambridge", "Cambridge", "United Kingdom", 5),
    ("Stanford University", "Stanford", "United States", 6),
    ("ETH Zurich", "Zurich", "Switzerland", 7),
    ("National University of Singapore", "Singapore", "Singapore", 8),
    ("University College London", "London", "United Kingdom", 9),
    ("California Institute of Technology", "Pasadena", "United States", 10),
    ("The University of Hong Kong", "Hong Kong", "Hong Kong SAR", 17),
    ("University of Chicago", "Chicago", "United States", 21),
    ("University of Pennsylvania", "Philadelphia", "United States", 11),
    ("Cornell University", "Ithaca", "United States", 16),
    ("University of Melbourne", "Melbourne", "Australia", 13),
    ("Peking University", "Beijing", "China", 14),
    ("Tsinghua University", "Beijing", "China", 20),
    ("Nanyang Technological University", "Singapore", "Singapore", 15),
    ("Yale University", "New Haven", "United States", 23),
    ("Princeton University", "Princeton", "United States", 22),
    ("Columbia University", "New York", "United States", 34),
    ("University of California, Berkeley", "Berkeley", "United States", 12),
    ("University of Toronto", "Toronto", "Canada", 25),
    ("McGill University", "Montreal", "Canada", 29),
    ("University of British Columbia", "Vancouver", "Canada", 38),
    ("EPFL", "Lausanne", "Switzerland", 26),
    ("Technical University of Munich", "Munich", "Germany", 28),
    ("Ludwig Maximilian University of Munich", "Munich", "Germany", 59),
    ("Heidelberg University", "Heidelberg", "Germany", 84),
    ("University of Edinburgh", "Edinburgh", "United Kingdom", 27),
    ("King's College London", "London", "United Kingdom", 40),
    ("The London School of Economics and Political Science", "London", "United Kingdom", 50),
    ("University of Manchester", "Manchester", "United Kingdom", 35),
    ("University of Sydney", "Sydney", "Australia", 18),
    ("UNSW Sydney", "Sydney", "Australia", 19),
    ("Australian National University", "Canberra", "Australia", 30),
    ("The University of Tokyo", "Tokyo", "Japan", 32),
    ("Kyoto University", "Kyoto", "Japan", 50),
    ("Seoul National University", "Seoul", "South Korea", 31),
    ("KAIST", "Daejeon", "South Korea", 53),
    ("Université PSL", "Paris", "France", 24),
    ("Institut Polytechnique de Paris", "Palaiseau", "France", 46),
    ("Sorbonne University", "Paris", "France", 63),
    ("Delft University of Technology", "Delft", "Netherlands", 49),
    ("University of Amsterdam", "Amsterdam", "Netherlands", 55),
    ("KU Leuven", "Leuven", "Belgium", 60),
    ("KTH Royal Institute of Technology", "Stockholm", "Sweden", 74),
    ("University of Copenhagen", "Copenhagen", "Denmark", None),
    ("Trinity College Dublin", "Dublin", "Ireland", 87),
    ("University of Michigan", "Ann Arbor", "United States", 44),
    ("University of California, Los Angeles", "Los Angeles", "United States", 42),
    ("New York University", "New York", "United States", 43),
    ("Johns Hopkins University", "Baltimore", "United States", 33),
    ("Carnegie Mellon University", "Pittsburgh", "United States", 58),
    ("University of São Paulo", "São Paulo", "Brazil", 92),
    ("National Autonomous University of Mexico", "Mexico City", "Mexico", 94),
    ("University of Cape Town", "Cape Town", "South Africa", 171),
    ("Indian Institute of Technology Bombay", "Mumbai", "India", 118),
    ("Sapienza University of Rome", "Rome", "Italy", 132),
    ("University of Barcelona", "Barcelona", "Spain", None),
]


def load(apps, schema_editor):
    University = apps.get_model("core", "University")
    for name, city, country, rank in UNIVERSITIES:
        University.objects.get_or_create(
            name=name, defaults={"city": city, "country": country, "global_rank": rank}
        )


def unload(apps, schema_editor):
    University = apps.get_model("core", "University")
    names = [row[0] for row in UNIVERSITIES]
    University.objects.filter(name__in=names, onboarding_answers__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
