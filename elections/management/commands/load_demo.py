"""Load the deterministic demo election: the same voters and credentials on every run.

The election opens at the start of the current hour for 8 days: it is sealed through the
real services, each confirmation by a demo bureau member's own account, and the calendar
opens it. A second election stays in preparation, with everything a sealing needs (lists,
candidates, voters on its rolls, a key, a bureau), to try the checks and the sealing from
the bureau's dashboard, and the RH referent's imports. Running the command again replaces
both demo elections (voters, lists, documents, votes) and resets the demo staff
passwords; nothing else in the database is touched.

Until the key holders' ceremony runs on their own devices, the election key is made
here by ``ceremony_simulate`` (same public structure: president/secretary part and a
2-of-3 delegates' part). Its secrets go to a file under DEMO_KEYS_DIR, never to the
database; the key is marked "simulated", which production settings refuse to open.
"""

import datetime as dt
import json
import os
import random
import shutil
import unicodedata
import uuid
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts import votecode
from accounts.models import User
from accounts.roles import roles_sync
from ballots import lifecycle
from ballots.crypto.keys import ceremony_simulate
from ballots.management.commands._demo import demo_commands_allowed
from ballots.models import (
    Ballot,
    BallotAlpha,
    ElectionKey,
    ElectionSeal,
    Emargement,
    ScrutinFreeze,
    ScrutinParameters,
)
from ballots.services import election_key_install
from elections import demo
from elections.context_processors import footer_pages_forget
from elections.models import (
    BureauMember,
    Candidate,
    CandidateList,
    Election,
    Establishment,
    Page,
    RollEntry,
    Scrutin,
    SupportChannel,
)
from elections.pages import public_pages_sync

DEMO_ELECTION_ID = uuid.UUID("6f1c2b7e-8d3a-4f5e-9b2c-0a1d2e3f4a5b")
# A second election, still in preparation: the bureau tries the checks and the sealing, the
# RH referent tries imports.
PREPARATION_ELECTION_ID = uuid.UUID("0c9e4d1a-5b7f-4e2a-8c3d-6a1b2c3d4e5f")
DEMO_ELECTION_NAME = "Élections professionnelles 2026 — Ministère de démonstration"
SUPPORT_CONNECTION_PHONES = (
    "N° vert 0 800 808 900 (service et appel gratuits)\n05 56 42 72 47 (tarif d'une communication nationale)"
)
SUPPORT_CSU_PHONE = "01 80 15 43 21"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "isoloir-admin-2026"
STAFF_PASSWORD = "isoloir-demo-2026"

ESTABLISHMENTS = [
    ("PREF33", "Préfecture de la Gironde"),
    ("REC13", "Rectorat d'Aix-Marseille"),
    ("DDI87", "Direction départementale de la Haute-Vienne"),
]

UNIONS = [
    ("Union des personnels – UDP", "UDP"),
    ("Solidarité Service Public", "SSP"),
    ("Fédération autonome des agents", "FAA"),
    ("Action et Progrès", "AP"),
    ("Collectif Égalité de traitement", "CET"),
    ("Syndicat national indépendant", "SNI"),
    ("Alliance des fonctionnaires", "ADF"),
    ("Engagés pour les personnels", "EPP"),
    ("Union républicaine des agents", "URA"),
    ("Force collective", "FC"),
    ("Agir pour tous", "APT"),
    ("Renouveau syndical", "RS"),
]

# (code, name, kind, seats, number of lists)
SCRUTINS = [
    ("csa-ministeriel", "CSA ministériel", Scrutin.Kind.CSA, 15, 12),
    ("csa-proximite-87", "CSA de proximité de la Haute-Vienne", Scrutin.Kind.CSA, 10, 5),
    ("capn-attaches", "CAPN des attachés d'administration", Scrutin.Kind.CAP, 8, 6),
    ("ccp-contractuels", "CCP des agents contractuels", Scrutin.Kind.CCP, 4, 4),
    ("capa-secretaires-13", "CAPA des secrétaires administratifs d'Aix-Marseille", Scrutin.Kind.CAP, 6, 4),
]
# The establishments a local scrutin concerns: their RH referents manage it while the
# election is in preparation. The others concern the whole ministry (central administration).
SCRUTIN_ESTABLISHMENTS = {"csa-proximite-87": ["DDI87"], "capa-secretaires-13": ["REC13"]}

# (matricule, last name, first name, birth date, establishment, agent card, scrutin codes)
VOTERS = [
    (
        "D0001",
        "Martin",
        "Claire",
        "1978-03-14",
        "DDI87",
        True,
        ["csa-ministeriel", "csa-proximite-87", "capn-attaches"],
    ),
    (
        "D0002",
        "Bernard",
        "Karim",
        "1985-11-02",
        "DDI87",
        True,
        ["csa-ministeriel", "csa-proximite-87", "ccp-contractuels"],
    ),
    ("D0003", "Dubois", "Sophie", "1969-07-21", "REC13", False, ["csa-ministeriel", "capa-secretaires-13"]),
    (
        "D0004",
        "Thomas",
        "Julien",
        "1990-01-30",
        "REC13",
        True,
        ["csa-ministeriel", "capn-attaches", "capa-secretaires-13"],
    ),
    ("D0005", "Robert", "Amina", "1982-05-09", "PREF33", True, ["csa-ministeriel"]),
    ("D0006", "Richard", "Paul", "1975-09-17", "PREF33", False, ["csa-ministeriel", "ccp-contractuels"]),
    (
        "D0007",
        "Petit",
        "Nadia",
        "1988-12-24",
        "DDI87",
        True,
        ["csa-ministeriel", "csa-proximite-87", "capn-attaches", "ccp-contractuels"],
    ),
    ("D0008", "Durand", "Hugo", "1993-04-05", "REC13", True, ["csa-ministeriel", "capa-secretaires-13"]),
    ("D0009", "Leroy", "Marie", "1971-08-11", "PREF33", True, ["csa-ministeriel", "capn-attaches"]),
    (
        "D0010",
        "Moreau",
        "Lucas",
        "1987-02-28",
        "DDI87",
        True,
        ["csa-ministeriel", "csa-proximite-87", "capn-attaches", "ccp-contractuels", "capa-secretaires-13"],
    ),
]

# The election in preparation: its first three scrutins, three lists each, and these voters
# (same columns as VOTERS), so that every check before the sealing passes.
PREPARATION_SCRUTINS = 3
PREPARATION_LISTS = 3
PREPARATION_VOTERS = [
    ("P0001", "Lefèvre", "Camille", "1980-06-12", "DDI87", True, ["csa-ministeriel", "csa-proximite-87"]),
    (
        "P0002",
        "Fontaine",
        "Julie",
        "1972-10-03",
        "DDI87",
        True,
        ["csa-ministeriel", "csa-proximite-87", "capn-attaches"],
    ),
    ("P0003", "Chevalier", "Marc", "1984-01-19", "PREF33", True, ["csa-ministeriel", "capn-attaches"]),
    ("P0004", "Girard", "Émilie", "1991-07-07", "REC13", False, ["csa-ministeriel"]),
    ("P0005", "Bonnet", "Antoine", "1966-04-25", "DDI87", True, ["csa-ministeriel", "csa-proximite-87"]),
]

FIRST_NAMES = [
    "Anne",
    "Bruno",
    "Chloé",
    "David",
    "Élodie",
    "Farid",
    "Gaëlle",
    "Henri",
    "Inès",
    "Jules",
    "Léa",
    "Mehdi",
    "Nora",
    "Olivier",
    "Pauline",
    "Quentin",
    "Rachida",
    "Samuel",
    "Téa",
    "Yann",
]
LAST_NAMES = [
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clement",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
]

PAGES = [
    (Page.Kind.EDITO, "edito", "Édito", 0,
     "Du mardi au mardi suivant, vous élisez vos représentants aux comités sociaux "
     "d'administration et aux commissions paritaires.\n\n"
     "Votez depuis n'importe quel ordinateur, tablette ou téléphone : votre bulletin est "
     "chiffré dans votre navigateur avant d'être déposé dans l'urne."),
    (Page.Kind.FAQ, "faq", "Aide en ligne – Foire aux questions", 0,
     "Où trouver mon matricule ?\n[[matricule]]\n\n"
     "Où trouver ma clé de sécurité ?\nAu dos de votre carte agent. Sans carte agent "
     "utilisable, vous la recevez par courrier dans une fiche « clé de sécurité ».\n\n"
     "Comment me connecter ?\n\n[[connexion]]\n\n"
     "J'ai perdu mon mot de passe ou ma clé de sécurité : que faire ?\n\n"
     "[[mot-de-passe-perdu]]\n\n[[cle-de-securite-perdue]]\n\n"
     "Mon vote est-il secret ?\nOui : votre bulletin est chiffré dans votre navigateur et "
     "l'urne ne garde aucun lien avec votre identité.\n\n"
     "Qui appeler ?\n\n[[support]]"),
    # The passages in [[…]] follow the reader's election (elections/page_blocks.py).
    (Page.Kind.TUTORIAL, "tutoriel-parcours-electeur", "Tutoriel « Parcours électeur »", 1,
     "[[connexion]]\n\n"
     "Je consulte ensuite mes scrutins et leurs listes de candidats : « Consulter mes scrutins "
     "(ceux pour lesquels je suis électeur) et leurs listes de candidats ».\n\n"
     "[[code-de-vote]]\n\n"
     "Je vote dans chacun de mes scrutins, dans l'ordre proposé pour n'en oublier aucun."),
    (Page.Kind.TUTORIAL, "tutoriel-parcours-de-vote", "Tutoriel « Parcours de vote »", 2,
     "1 Choix scrutin, 2 Constitution bulletin, 3 Vote, 4 Accusé de réception.\n\n"
     "Activez d'abord la sélection avec le bouton « JE VEUX VOTER, J'ACTIVE LA SÉLECTION DE "
     "MON CHOIX DE VOTE », choisissez une liste ou le vote blanc, puis confirmez avec « JE VOTE »."),
    (Page.Kind.TUTORIAL, "tutoriel-reassorts", "Tutoriel « Réassorts »", 3,
     "[[mot-de-passe-perdu]]\n\n[[cle-de-securite-perdue]]\n\n[[code-de-vote]]"),
]  # fmt: skip

STAFF = [
    # (username, first name, last name, group, bureau role, delegate index)
    ("referent", "Rémi", "Référent", "Référent RH", None, None),
    ("support", "Sandra", "Support", "Support électeurs", None, None),
    ("president", "Pierre", "Président", "Membre du bureau de vote", "president", None),
    ("secretaire", "Sylvie", "Secrétaire", "Membre du bureau de vote", "secretary", None),
    ("delegue1", "Denis", "Délégué", "Membre du bureau de vote", "delegate", 1),
    ("delegue2", "Dominique", "Déléguée", "Membre du bureau de vote", "delegate", 2),
    ("delegue3", "David", "Délégué", "Membre du bureau de vote", "delegate", 3),
]


def voter_password(matricule: str) -> str:
    return f"Demo-{matricule}-vote"


def voter_email(first: str, last: str) -> str:
    local = f"{first}.{last}".lower()
    return unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode() + "@demo.isoloir.localhost"


def voter_vote_code(matricule: str) -> str:
    """The code de vote of the demo voter's paper letter (seed 004)."""
    rng = random.Random(f"isoloir-demo-vote-code-{matricule}")
    return "".join(rng.choice(account_services.secrets.SECURITY_KEY_ALPHABET) for _ in range(8))


def voter_numen(matricule: str) -> str:
    return f"26E{matricule[1:]}0012AB"


def voter_nir_prefix(matricule: str, birth: str) -> str:
    born = dt.date.fromisoformat(birth)
    return f"1{born:%y%m}87{int(matricule[1:]):03d}"


def voter_security_key(matricule: str) -> str:
    rng = random.Random(f"isoloir-demo-key-{matricule}")
    return "".join(rng.choice(account_services.secrets.SECURITY_KEY_ALPHABET) for _ in range(12))


LOAD_DEMO_REFUSAL = (
    "Chargement de la démonstration refusé : les réglages de production ne permettent pas de créer "
    "les élections et les comptes de démonstration, dont les mots de passe sont publiés dans le README "
    "(réglages de démonstration : DJANGO_SETTINGS_MODULE=voting_portal.settings.local)."
)


class Command(BaseCommand):
    help = "Charge l'élection de démonstration (identifiants identiques à chaque exécution)."

    def handle(self, *args, **options):
        if not demo_commands_allowed():  # its accounts' passwords are in the README
            raise CommandError(LOAD_DEMO_REFUSAL)
        with transaction.atomic():
            election = self._load()
        self._print_summary(election)

    def _load(self) -> Election:
        # Roles and public pages come with the migrations; made again here so the
        # demo also loads into a database that was flushed.
        roles_sync(django_apps)
        public_pages_sync(django_apps)
        for old in Election.objects.filter(pk__in=[DEMO_ELECTION_ID, PREPARATION_ELECTION_ID]):
            # The vote's rows are protected against deletion everywhere else.
            BallotAlpha.objects.filter(scrutin__election=old).delete()
            Ballot.objects.filter(scrutin__election=old).delete()
            Emargement.objects.filter(scrutin__election=old).delete()
            ScrutinFreeze.objects.filter(scrutin__election=old).delete()
            ScrutinParameters.objects.filter(scrutin__election=old).delete()
            ElectionSeal.objects.filter(election=old).delete()
            ElectionKey.objects.filter(election=old).delete()
            accounts = list(User.objects.filter(voter__election=old).values_list("pk", flat=True))
            shutil.rmtree(Path(settings.MEDIA_ROOT) / "listes" / str(old.pk), ignore_errors=True)
            old.delete()  # with its voters and rolls (a sealed roll goes only with its election)
            User.objects.filter(pk__in=accounts).delete()

        opens = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        election = Election.objects.create(
            id=DEMO_ELECTION_ID,
            name=DEMO_ELECTION_NAME,
            slug="demo-2026",
            opens=opens,
            closes=opens + dt.timedelta(days=8),
        )
        self._load_support(election)
        establishments = {
            code: Establishment.objects.update_or_create(code=code, defaults={"name": name})[0]
            for code, name in ESTABLISHMENTS
        }
        scrutins = self._load_scrutins(election, SCRUTINS, rng=random.Random("isoloir-demo-candidates"))
        self._load_voters(election, VOTERS, scrutins, establishments)
        self._load_pages()
        footer_pages_forget()
        self._load_staff(establishments)
        self._load_bureau(election)
        self._load_key(election)
        self._load_preparation(opens, establishments)
        return self._seal_and_open(election)

    def _load_voters(self, election, voters, scrutins, establishments) -> None:
        for matricule, last, first, birth, estab, card, codes in voters:
            voter, _ = account_services.voter_create(
                actor=None,
                election=election,
                matricule=matricule,
                last_name=last,
                first_name=first,
                birth_date=dt.date.fromisoformat(birth),
                establishment=establishments[estab],
                affectation=establishments[estab].name,
                email=voter_email(first, last),
                postal_address=f"{int(matricule[1:]) * 3} rue de la République\n87000 Limoges",
                has_agent_card=card,
                password=voter_password(matricule),
                security_key=voter_security_key(matricule),
                recovery={
                    "card_serial": f"AC{matricule}X",
                    "iban": f"FR7612345000{matricule}A01201",
                    "numen": voter_numen(matricule),
                    "nir": voter_nir_prefix(matricule, birth) + "123456",
                },
            )
            voter.email_confirmed = True  # given by the RH referent, as with an import
            voter.save(update_fields=["email_confirmed"])
            votecode.vote_code_issue_letter(voter=voter, code=voter_vote_code(matricule))
            RollEntry.objects.bulk_create(RollEntry(voter=voter, scrutin=scrutins[c]) for c in codes)

    def _seal_and_open(self, election) -> Election:
        """Sealed through the real services, each confirmation by a demo bureau member's own
        account; then the calendar opens it (its opening time is the start of this hour)."""
        for username in ("president", "delegue1", "delegue2"):
            status = lifecycle.seal_status(election)
            lifecycle.seal_confirm(
                election=election, user=User.objects.get(username=username), seal=status.seal
            )
        lifecycle.lifecycle_step(election)
        election.refresh_from_db()
        return election

    def _load_preparation(self, opens, establishments) -> Election:
        """An election still in preparation that passes every check before the sealing (lists
        with candidates, voters on its rolls, a simulated key, the same bureau): the bureau
        tries the checks and the sealing there, the RH referent imports voters."""
        election = Election.objects.create(
            id=PREPARATION_ELECTION_ID,
            name="Élections professionnelles 2026 — Établissements rattachés (en préparation)",
            slug="demo-2026-preparation",
            opens=opens + dt.timedelta(days=14),
            closes=opens + dt.timedelta(days=22),
        )
        SupportChannel.objects.create(
            election=election,
            kind=SupportChannel.Kind.CONNECTION,
            name="le support électeurs",
            phones="N° vert 0 800 808 900 (service et appel gratuits)",
        )
        scrutins = self._load_scrutins(
            election,
            [(*spec[:4], PREPARATION_LISTS) for spec in SCRUTINS[:PREPARATION_SCRUTINS]],
            rng=random.Random("isoloir-demo-preparation-candidates"),
        )
        self._load_voters(election, PREPARATION_VOTERS, scrutins, establishments)
        self._load_bureau(election)
        self._load_key(election)
        return election

    def _load_support(self, election) -> None:
        """Seed 000's channels: the connection support, the eVote-CS « E-Clé » screen and the
        CSU électeurs, reachable during the vote and, on weekdays, the two weeks before."""
        opens, closes = timezone.localdate(election.opens), timezone.localdate(election.closes)
        before_from, before_to = opens - dt.timedelta(days=14), opens - dt.timedelta(days=1)
        SupportChannel.objects.bulk_create(
            [
                SupportChannel(
                    election=election,
                    kind=SupportChannel.Kind.CONNECTION,
                    name="le support électeurs",
                    phones=SUPPORT_CONNECTION_PHONES,
                    service_starts=opens,
                    service_ends=closes,
                    hours="tous les jours de 9h00 à 18h00",
                ),
                SupportChannel(
                    election=election,
                    kind=SupportChannel.Kind.KEY_ONLINE,
                    name="eVote-CS",
                    address="evote-cs.demo.isoloir.localhost",
                    instructions="J'accède selon ma procédure habituelle (Passage 2 si je suis agent du "
                    "secrétariat général, Cheops si je suis agent de la Police nationale) à l'écran "
                    "« E-Clé », qui me permet de récupérer ma « clé de sécurité ».",
                ),
                SupportChannel(
                    election=election,
                    kind=SupportChannel.Kind.SECURITY_KEY,
                    name="la CSU électeurs",
                    phones=SUPPORT_CSU_PHONE,
                    service_starts=opens,
                    service_ends=closes,
                    hours="tous les jours de 9h00 à 18h00",
                    other_periods=f"également joignable du {before_from:%d/%m/%Y} au {before_to:%d/%m/%Y} "
                    "de 9h00 à 18h00, sauf week-end",
                ),
            ]
        )

    def _load_key(self, election) -> None:
        ceremony = ceremony_simulate(
            election=str(election.pk),
            president="president",
            secretary="secretaire",
            delegates=[(f"delegue{i}", i) for i in (1, 2, 3)],
            threshold=2,
        )
        keys_dir = Path(settings.DEMO_KEYS_DIR)
        keys_dir.mkdir(parents=True, exist_ok=True)
        path = keys_dir / f"{election.pk}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(ceremony.secrets, handle, indent=1, sort_keys=True)
        election_key_install(
            election=election, record=ceremony.record, origin=ElectionKey.Origin.SIMULATED, actor=None
        )

    def _load_scrutins(self, election, specs, *, rng: random.Random) -> dict[str, Scrutin]:
        scrutins = {}
        for order, (code, name, kind, seats, n_lists) in enumerate(specs):
            scrutin = Scrutin.objects.create(
                election=election, code=code, name=name, kind=kind, seats=seats, order=order
            )
            scrutins[code] = scrutin
            scrutin.establishments.set(
                Establishment.objects.filter(code__in=SCRUTIN_ESTABLISHMENTS.get(code, []))
            )
            for index, (union, initials) in enumerate(UNIONS[:n_lists]):
                candidate_list = CandidateList(
                    scrutin=scrutin,
                    code=f"liste-{index + 1:02d}",
                    name=f"{union}" if kind != Scrutin.Kind.CSA else f"Liste {union}",
                    affiliation=union.split(" – ")[-1],
                    order=index,
                )
                # CAP lists may be incomplete: the number of candidates breaks ties.
                n_candidates = seats * 2 - (index % 3 if kind == Scrutin.Kind.CAP else 0)
                names = [
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES).upper()}" for _ in range(n_candidates)
                ]
                candidate_list.logo.save(
                    f"logo-{initials}.png", ContentFile(demo.logo_png(initials, index)), save=False
                )
                candidate_list.profession_de_foi.save(
                    "profession-de-foi.pdf", ContentFile(demo.profession_de_foi_pdf(union, name)), save=False
                )
                candidate_list.candidates_pdf.save(
                    "candidats.pdf", ContentFile(demo.candidates_pdf(union, name, names)), save=False
                )
                candidate_list.save()
                Candidate.objects.bulk_create(
                    Candidate(candidate_list=candidate_list, name=n, order=i) for i, n in enumerate(names, 1)
                )
        return scrutins

    def _load_pages(self) -> None:
        for kind, slug, title, order, body in PAGES:
            Page.objects.update_or_create(
                slug=slug, defaults={"kind": kind, "title": title, "order": order, "body": body}
            )

    def _load_staff(self, establishments) -> None:
        admin, _ = User.objects.update_or_create(
            username=ADMIN_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin", "last_name": "Démo"},
        )
        admin.set_password(ADMIN_PASSWORD)
        admin.save()
        for username, first, last, group, _role, _index in STAFF:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.isoloir.localhost",
                },
            )
            user.set_password(STAFF_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=group)])
            if username == "referent":
                user.establishments.set([establishments["DDI87"]])

    def _load_bureau(self, election) -> None:
        """The demo bureau's seats (president, secretary, delegates 1 to 3) in ``election``."""
        for username, _first, _last, _group, role, index in STAFF:
            if role:
                user = User.objects.get(username=username)
                BureauMember.objects.create(election=election, user=user, role=role, index=index)

    def _print_summary(self, election) -> None:
        w = self.stdout.write
        w(self.style.SUCCESS(f"Élection de démonstration chargée : {election.name}"))
        w(
            f"Vote ouvert du {timezone.localtime(election.opens):%d/%m/%Y %H:%M} "
            f"au {timezone.localtime(election.closes):%d/%m/%Y %H:%M} (heure de Paris)."
        )
        w("")
        w("Électeurs : http://127.0.0.1:8000/  (matricule, date de naissance, clé de sécurité, mot de passe)")
        for matricule, last, first, birth, _estab, _card, codes in VOTERS[:3]:
            w(
                f"  {matricule}  {dt.date.fromisoformat(birth):%d/%m/%Y}  {account_services.secrets.format_security_key(voter_security_key(matricule))}  "
                f"{voter_password(matricule)}   ({first} {last}, {len(codes)} scrutins)"
            )
        w("  … les 10 électeurs sont listés dans le README.")
        w("")
        w(f"Urnes publiques : http://127.0.0.1:8000/urne/{election.slug}/")
        w("Import d'électeurs : compte « referent », élection « … (en préparation) », modèle CSV fourni.")
        w(
            "Scellement à essayer : http://127.0.0.1:8000/gestion/bureau/demo-2026-preparation/ "
            "(comptes president, delegue1 et delegue2, chacun dans sa fenêtre)."
        )
        w(
            "Faire avancer une élection : manage.py demo_open | demo_close | demo_freeze <élection> "
            "(démonstration seulement ; README)."
        )
        w(f"Administration : http://127.0.0.1:8000/gestion/  {ADMIN_USERNAME} / {ADMIN_PASSWORD}")
        w(
            f"  Personnel (référent, support, président, secretaire, delegue1..3) : mot de passe {STAFF_PASSWORD}"
        )
