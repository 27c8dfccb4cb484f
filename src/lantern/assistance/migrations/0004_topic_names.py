"""The starting topics' names in the public site's other languages (the published statistics
show them). Names an administrator already gave are kept."""

from django.db import migrations

NAMES = {
    "identifying_trafficking": {
        "fr": "Identifier la traite", "pt": "Identificar o tráfico",
        "ht": "Idantifye trafik moun", "ko": "인신매매 식별", "vi": "Nhận diện nạn buôn người",
        "tl": "Pagkilala sa human trafficking", "ar": "التعرّف على الاتجار بالبشر",
        "ru": "Выявление торговли людьми", "zh": "识别人口贩运",
    },
    "labor_trafficking": {
        "fr": "Traite à des fins de travail forcé", "pt": "Tráfico para trabalho forçado",
        "ht": "Trafik moun pou travay fòse", "ko": "노동 인신매매",
        "vi": "Buôn người để cưỡng bức lao động", "tl": "Trafficking para sa sapilitang paggawa",
        "ar": "الاتجار بالبشر لأغراض العمل",
        "ru": "Торговля людьми в целях трудовой эксплуатации", "zh": "劳动力贩运",
    },
    "working_with_survivors": {
        "fr": "Travailler avec les survivants", "pt": "Trabalhar com sobreviventes",
        "ht": "Travay ak sivivan yo", "ko": "생존자 지원", "vi": "Làm việc với người sống sót",
        "tl": "Pakikipagtulungan sa mga survivor", "ar": "العمل مع الناجين",
        "ru": "Работа с пострадавшими", "zh": "与幸存者合作",
    },
    "protocols": {
        "fr": "Protocoles d'intervention", "pt": "Protocolos de resposta",
        "ht": "Pwotokòl repons", "ko": "대응 프로토콜", "vi": "Quy trình ứng phó",
        "tl": "Mga protocol sa pagtugon", "ar": "بروتوكولات الاستجابة",
        "ru": "Протоколы реагирования", "zh": "应对规程",
    },
    "data": {
        "fr": "Données et statistiques", "pt": "Dados e estatísticas", "ht": "Done ak estatistik",
        "ko": "데이터와 통계", "vi": "Dữ liệu và thống kê", "tl": "Datos at estadistika",
        "ar": "البيانات والإحصاءات", "ru": "Данные и статистика", "zh": "数据与统计",
    },
    "materials": {
        "fr": "Matériel et ressources de sensibilisation",
        "pt": "Materiais e recursos de conscientização",
        "ht": "Materyèl ak resous sansibilizasyon", "ko": "자료 및 인식 제고 자료",
        "vi": "Tài liệu và nguồn nâng cao nhận thức",
        "tl": "Mga materyales at sanggunian sa kamalayan", "ar": "المواد وموارد التوعية",
        "ru": "Материалы и ресурсы для информирования", "zh": "材料与宣传资源",
    },
}  # fmt: skip


def add_names(apps, schema_editor):
    Topic = apps.get_model("assistance", "AssistanceTopic")
    for topic in Topic.objects.filter(key__in=NAMES):
        topic.names = {**NAMES[topic.key], **(topic.names or {})}
        topic.save(update_fields=["names"])


class Migration(migrations.Migration):
    dependencies = [("assistance", "0003_submission_key")]
    operations = [migrations.RunPython(add_names, migrations.RunPython.noop)]
