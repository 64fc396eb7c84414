"""The demo's translations: Spanish for every principle, French and Arabic for a few, one out of date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from principles_app.db import utcnow
from principles_app.domain.languages import TRANSLATION_LANGUAGES
from principles_app.extensions import db
from principles_app.models import Document, PrincipleTranslation, Role, User
from principles_app.services import audit
from principles_app.services import drafts as draft_service
from principles_app.services import translations as translation_service

# By principle number (1-based, as in network.json): (title, text) per language.
TRANSLATIONS: dict[str, dict[int, tuple[str, str]]] = {
    "es": {
        1: (
            "Decir lo que aportamos y lo que no podemos hacer",
            (
                "Al comienzo de cada esfuerzo conjunto, cada socio expone sus objetivos, la experiencia que aporta, "
                "lo que no puede hacer y dónde están sus límites. Revisamos estas declaraciones cuando el trabajo "
                "cambia de rumbo."
            ),
        ),
        2: (
            "Experiencia local desde el primer día",
            (
                "Las organizaciones que trabajan en el país o la comunidad de que se trate participan en el diseño de "
                "un proyecto, no solo en su ejecución. El conocimiento del contexto es experiencia, y lo tratamos como "
                "tal en la planificación, los presupuestos y las decisiones."
            ),
        ),
        3: (
            "Reconocer el trabajo donde se hizo",
            (
                "Las declaraciones, informes, propuestas y campañas nombran a las organizaciones cuya información y "
                "trabajo utilizan. Cuando nombrar a un socio lo pondría en peligro, acordamos con ese socio cómo se "
                "reconoce su contribución."
            ),
        ),
        5: (
            "La colaboración es trabajo remunerado",
            (
                "Las propuestas y los presupuestos incluyen el tiempo necesario para la coordinación, el trabajo en red "
                "y la construcción de confianza. No se espera que ningún socio aporte trabajo no remunerado por el "
                "hecho de que le importe la causa."
            ),
        ),
        6: (
            "Nombrar el poder y el privilegio",
            (
                "Abrimos espacio para cuestionar cómo la financiación, el idioma, la ubicación y la historia dan a "
                "algunos socios más poder que a otros, y cambiamos las prácticas que mantienen esos desequilibrios."
            ),
        ),
        7: (
            "Relaciones antes que transacciones",
            (
                "Preferimos las relaciones a largo plazo a los compromisos aislados y transaccionales, e invertimos en "
                "reunirnos en persona cuando podemos, también ayudando a viajar a los socios de la Mayoría Global."
            ),
        ),
        8: (
            "Muchos idiomas, muchas zonas horarias",
            (
                "Las reuniones rotan entre zonas horarias. Los documentos clave están disponibles en los idiomas en "
                "que trabajan los socios, y nadie queda excluido de una decisión por no trabajar en inglés."
            ),
        ),
        9: (
            "El desacuerdo forma parte del trabajo",
            (
                "Reunir a organizaciones diversas genera conflictos. Abordamos los desacuerdos de forma abierta y "
                "respetuosa, y estamos dispuestos a cambiar los planes cuando lo que aprendemos lo exige."
            ),
        ),
        10: (
            "Compartir lo que sabemos del ecosistema",
            (
                "Compartimos información sobre quién hace qué, para que los socios puedan construir sobre el trabajo "
                "de los demás en lugar de duplicarlo o competir con él."
            ),
        ),
    },
    "fr": {
        1: (
            "Dire ce que nous apportons et ce que nous ne pouvons pas faire",
            (
                "Au début de chaque action commune, chaque partenaire expose ses objectifs, l'expertise qu'il apporte, "
                "ce qu'il ne peut pas faire et où se situent ses limites. Nous revoyons ces déclarations lorsque le "
                "travail change d'orientation."
            ),
        ),
        3: (
            "Reconnaître le travail là où il a été fait",
            (
                "Les déclarations, rapports, propositions et campagnes nomment les organisations dont ils utilisent "
                "les informations et le travail. Lorsque nommer un partenaire l'exposerait à un risque, nous convenons "
                "avec lui de la manière dont sa contribution est reconnue."
            ),
        ),
        8: (
            "Plusieurs langues, plusieurs fuseaux horaires",
            (
                "Les réunions se tiennent à tour de rôle dans différents fuseaux horaires. Les documents essentiels "
                "sont disponibles dans les langues de travail des partenaires, et personne n'est exclu d'une décision "
                "parce qu'il ne travaille pas en anglais."
            ),
        ),
    },
    "ar": {
        1: (
            "أن نقول ما نقدّمه وما لا نستطيع فعله",
            (
                "في بداية كل جهد مشترك، يعرض كل شريك أهدافه والخبرة التي يقدّمها وما لا يستطيع فعله وأين تقع "
                "حدوده. ونراجع هذه البيانات عندما يتغيّر مسار العمل."
            ),
        ),
        3: (
            "الاعتراف بالعمل حيث أُنجز",
            (
                "تذكر البيانات والتقارير والمقترحات والحملات أسماء المنظمات التي تعتمد على معلوماتها وعملها. وحين "
                "يعرّض ذكر اسم شريك ما للخطر، نتفق مع ذلك الشريك على طريقة الإقرار بمساهمته."
            ),
        ),
        4: (
            "السلامة قبل الظهور",
            (
                "لا ينشر أي شريك ولا يتبادل معلومات قد تعرّض الزملاء في الميدان للخطر من دون موافقتهم المستنيرة. "
                "والشركاء الأقرب إلى الخطر هم من يقرّرون توقيت الردود العلنية ونبرتها."
            ),
        ),
    },
}

# Spanish for principle 4 follows its current (amended) text; see _current_spanish_safety.
SPANISH_SAFETY = (
    "Seguridad antes que visibilidad",
    (
        "Ningún socio publica ni comparte información que pueda exponer a colegas sobre el terreno sin su "
        "consentimiento previo e informado. Los socios más cercanos al riesgo deciden el momento, el tono y "
        "el canal de las respuestas públicas."
    ),
)


def _translator(network: dict[str, Any], language: str) -> User | None:
    """Pick a demo member (or else the secretariat) to sign the translations."""
    users = (
        db.session.execute(
            select(User).where(User.email.in_([u["email"].lower() for u in network["users"]])).order_by(User.id)
        )
        .scalars()
        .all()
    )
    members = [u for u in users if u.role == Role.MEMBER and u.organisation is not None and u.organisation.active]
    others = [u for u in users if u.role == Role.SECRETARIAT]
    pool = members or others
    if not pool:
        return None
    return pool[TRANSLATION_LANGUAGES.index(language) % len(pool)]


def load_translations(network: dict[str, Any]) -> None:
    """Add the demo translations once; the Arabic principle 4 is made from version 1, before its change."""
    slug = (network.get("document") or {}).get("slug")
    document = db.session.execute(select(Document).where(Document.slug == slug)).scalar_one_or_none()
    if document is None:
        return
    principles = draft_service.live_principles(document)
    if not principles or translation_service.translations_by_principle([p.id for p in principles], "es"):
        return
    by_number = {p.number: p for p in principles}
    spanish = dict(TRANSLATIONS["es"])
    spanish[4] = SPANISH_SAFETY if by_number.get(4) is not None and "prior" in by_number[4].text else None
    for language in TRANSLATION_LANGUAGES:
        actor = _translator(network, language)
        if actor is None:
            return
        for number, pair in sorted((spanish if language == "es" else TRANSLATIONS[language]).items()):
            principle = by_number.get(number)
            if principle is None or pair is None:
                continue
            if language == "ar" and number == 4:
                _translate_from_first_version(actor, principle, language, *pair)
            else:
                translation_service.put_translation(actor, principle, language, pair[0], pair[1])


def _translate_from_first_version(actor: User, principle, language: str, title: str, text: str) -> None:
    """Record a translation made from the principle's text in version 1 (so the demo shows one out of date)."""
    before = translation_service.principle_at_version(principle, 1)
    if before is None or (before["title"], before["text"]) == (principle.title, principle.text):
        translation_service.put_translation(actor, principle, language, title, text)
        return
    row = PrincipleTranslation(
        principle_id=principle.id,
        language=language,
        title=title,
        text=text,
        source_title=before["title"],
        source_text=before["text"],
        source_version=1,
        translated_by_id=actor.id,
        updated_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "translation.created",
        "principle",
        principle.id,
        {"language": language, "title": title, "source_version": 1, "confirmed_stale": False},
        actor,
    )
