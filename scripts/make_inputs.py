#!/usr/bin/env python3
"""Write the charset and compression samples in samples/inputs/.

Each page is written here as a Python string and encoded to the bytes a saved page in that
encoding would have. The output is deterministic: same script, same bytes (gzip uses mtime=0 and
stores no file name). Run from anywhere: python3 make_inputs.py
"""

import gzip
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "samples" / "inputs"


def saved_from(url):
    """The "saved from url" comment browsers put at the top of a saved page."""
    return "<!-- saved from url=(%04d)%s -->" % (len(url), url)


def write(name, data):
    (HERE / name).write_bytes(data)
    print("%-26s %6d bytes" % (name, len(data)))


# --- Russian page, windows-1251 (three variants of the same content) ---------------------------

RU_URL = "http://www.verhneozersk-vesti.example/news/2021/08/17/most-cherez-sverku.html"


def ru_page(meta):
    return f"""{saved_from(RU_URL)}
<!DOCTYPE html>
<html lang="ru">
<head>
{meta}<title>Пешеходный мост через Сверку открыли после трёх лет ремонта — Верхнеозёрские вести</title>
</head>
<body>
<div class="news">
<h1>Пешеходный мост через Сверку открыли после трёх лет ремонта</h1>
<p class="date">17 августа 2021, 14:20</p>
<p>Во вторник утром в Верхнеозёрске после ремонта открыли пешеходный мост через реку Сверку, который связывает старый город с новым жилым районом на правом берегу. Работы начались ещё весной 2018 года и несколько раз останавливались из-за проблем с подрядчиком.</p>
<p>За это время мост полностью разобрали до опор: заменили пролёты, настил и перила, сделали пандусы для колясок и велосипедов, а вечером включили новую подсветку. По словам мэрии, теперь дорога от вокзала до правобережной школы займёт у пешеходов около десяти минут вместо сорока.</p>
<p>Открытие в администрации города объявили в соцсетях:</p>
<blockquote class="twitter-tweet" data-lang="ru"><p lang="ru" dir="ltr">Пешеходный мост через Сверку снова открыт! Спасибо жителям за терпение. Подробности о подсветке и режиме работы — на сайте <a href="https://t.co/Xw3Kd9LmQe">https://t.co/Xw3Kd9LmQe</a> <a href="https://t.co/Ru5Tg7HbNc">pic.twitter.com/Ru5Tg7HbNc</a></p>&mdash; Администрация Верхнеозёрска (@vozersk_adm) <a href="https://twitter.com/vozersk_adm/status/1427549064469262372?ref_src=twsrc%5Etfw">17 августа 2021 г.</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>Жители правого берега говорят, что ждали этого дня давно. «Все эти годы детей приходилось возить в школу в объезд, через автомобильный мост, а это почти полчаса в пробке», — рассказала нам Ольга Северина, мама двух школьников.</p>
<p>Подсветка моста будет работать ежедневно с заката до полуночи. Движение на велосипедах и самокатах по мосту разрешено, но с пониженной скоростью.</p>
</div>
</body>
</html>
"""


def crlf(text):
    return text.replace("\n", "\r\n")


write("cp1251-meta.html",
      crlf(ru_page('<meta charset="windows-1251">\n')).encode("cp1251"))
write("cp1251-undeclared.html",
      crlf(ru_page("")).encode("cp1251"))
write("cp1251-claims-utf8.html",
      crlf(ru_page('<meta charset="utf-8">\n')).encode("cp1251"))

# --- Russian page, KOI8-R (no « » or em dash in KOI8-R: entities are used instead) ------------

KOI8_URL = "http://www.ozernyi-krai.example/society/2017/11/07/tramvai.html"
koi8 = f"""{saved_from(KOI8_URL)}
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">
<title>Озёрный край: трамвай вернулся на улицу Ленина</title>
</head>
<body bgcolor="#ffffff">
<h2>Трамвай вернулся на улицу Ленина</h2>
<p><i>7 ноября 2017 года</i></p>
<p>После полугода ремонта путей по улице Ленина снова пошли трамваи третьего и пятого маршрутов. Первый вагон вышел из депо в половине шестого утра, и уже к восьми часам в салонах было не протолкнуться.</p>
<p>Ремонт обошёлся городу почти в сто миллионов рублей. Рельсы уложили на новое бетонное основание, поэтому, как обещают в трамвайном управлении, вагоны будут идти тише и плавнее.</p>
<blockquote class="twitter-tweet" data-lang="ru"><p lang="ru" dir="ltr">С сегодняшнего утра трамваи 3 и 5 снова ходят по улице Ленина. Интервал в час пик &mdash; 6 минут. Спасибо за терпение!</p>&mdash; Горэлектротранс Озёрска (@ozersk_tram) <a href="https://twitter.com/ozersk_tram/status/927889523915018271?ref_src=twsrc%5Etfw">7 ноября 2017 г.</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>Пассажиры в целом довольны, хотя жалуются, что новые остановки стали дальше друг от друга. В управлении обещают вернуть остановку у рынка до конца месяца.</p>
</body>
</html>
"""
write("koi8r.html", koi8.encode("koi8_r"))

# --- French page, labelled iso-8859-1 (= windows-1252 per WHATWG), uses 1252-only ’ and œ ------

FR_URL = "https://www.echodesvallons.example/vie-locale/2021/08/17/marche-de-nuit-saint-aubin"
fr = f"""{saved_from(FR_URL)}
<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="iso-8859-1">
<title>Saint-Aubin-des-Prés : le marché de nuit attire une foule record – L’Écho des Vallons</title>
</head>
<body>
<article>
<h1>Saint-Aubin-des-Prés : le marché de nuit attire une foule record</h1>
<p class="auteur">Par Solène Marchetti, le 17 août 2021</p>
<p>Près de quatre mille personnes se sont pressées lundi soir dans les ruelles du centre de Saint-Aubin-des-Prés pour le marché de nuit, un record depuis sa création il y a douze ans.</p>
<p>Producteurs de fromage, potiers, brasseurs : une soixantaine d’exposants s’étaient installés sous les guirlandes, au cœur du village. La mairie avait prévu deux parkings supplémentaires, vite saturés.</p>
<blockquote class="twitter-tweet" data-lang="fr"><p lang="fr" dir="ltr">Merci à tous d’être venus si nombreux hier soir ! Rendez-vous l’été prochain pour la 13e édition du marché de nuit. <a href="https://t.co/Fe8kPz2VqD">pic.twitter.com/Fe8kPz2VqD</a></p>&mdash; Hélène Bérubé-Gâtinais (@helene_berube) <a href="https://twitter.com/helene_berube/status/1427643386630029319?ref_src=twsrc%5Etfw">17 août 2021</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>L’adjointe à la culture, à l’origine de l’événement, envisage déjà d’étendre le marché à la place de l’Église l’an prochain.</p>
</article>
</body>
</html>
"""
write("cp1252-french.html", fr.encode("cp1252"))

# --- Polish page, ISO-8859-2 (no em dash or „” there: entities) -------------------------------

PL_URL = "https://www.kurierpodlaski.example/region/2021/08/17/nowa-sciezka-rowerowa"
pl = f"""{saved_from(PL_URL)}
<!DOCTYPE html>
<html lang="pl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-2">
<title>Nowa ścieżka rowerowa nad zalewem otwarta &ndash; Kurier Podlaski</title>
</head>
<body>
<article>
<h1>Nowa ścieżka rowerowa nad zalewem otwarta</h1>
<p class="data">17 sierpnia 2021</p>
<p>We wtorek oddano do użytku nową, dwunastokilometrową ścieżkę rowerową wokół zalewu. Trasa łączy plażę miejską z przystanią żeglarską i parkingiem przy leśniczówce.</p>
<p>Budowa trwała dziewięć miesięcy i kosztowała prawie cztery miliony złotych, z czego połowę pokryła dotacja unijna. Wzdłuż ścieżki stanęło sześć wiat z ławkami i stojakami na rowery.</p>
<blockquote class="twitter-tweet" data-lang="pl"><p lang="pl" dir="ltr">Przejechałem dziś całą nową trasę wokół zalewu. Równiutki asfalt, świetne widoki, tylko komarów sporo. Polecam! <a href="https://t.co/Lp4Wz8QcXs">pic.twitter.com/Lp4Wz8QcXs</a></p>&mdash; Łukasz Żółć (@lukasz_zolc) <a href="https://twitter.com/lukasz_zolc/status/1427666612236910614?ref_src=twsrc%5Etfw">17 sierpnia 2021</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>Urząd gminy zapowiada, że w przyszłym roku ścieżka zostanie przedłużona do sąsiedniej wsi.</p>
</article>
</body>
</html>
"""
write("iso8859-2-polish.html", pl.encode("iso8859_2"))

# --- Japanese page, Shift_JIS ------------------------------------------------------------------

JA_URL = "https://www.minato-shimbun.example/local/2021/08/17/hanabi-chushi.html"
ja = f"""{saved_from(JA_URL)}
<!DOCTYPE html>
<html lang="ja">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>港まつり花火大会、台風接近で中止に｜みなと新聞</title>
</head>
<body>
<div class="article">
<h1>港まつり花火大会、台風接近で中止に</h1>
<p class="date">2021年8月17日</p>
<p>市は十七日、今週末に予定していた港まつり花火大会を中止すると発表した。台風が週末にかけて接近する見込みで、観覧客の安全を確保できないと判断した。</p>
<p>花火大会は毎年およそ三万人が訪れる夏の恒例行事。延期の予定はなく、用意していた花火は来年の大会で使うという。</p>
<blockquote class="twitter-tweet" data-lang="ja"><p lang="ja" dir="ltr">【お知らせ】今週末の港まつり花火大会は、台風接近のため中止となりました。楽しみにしていた皆さま、申し訳ありません。詳しくは市のホームページをご覧ください。 <a href="https://t.co/Jm6Vs1NqWb">https://t.co/Jm6Vs1NqWb</a></p>&mdash; みなと市広報 (@minato_koho_ex) <a href="https://twitter.com/minato_koho_ex/status/1427564817938776098?ref_src=twsrc%5Etfw">2021年8月17日</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>港周辺の屋台の出店も取りやめとなる。市は、すでに購入された有料観覧席のチケットを全額払い戻すとしている。</p>
</div>
</body>
</html>
"""
write("shift_jis.html", ja.encode("shift_jis"))

# --- Chinese page, GB18030 (the emoji in the name needs a four-byte GB18030 sequence) ----------

ZH_URL = "https://www.qingchuan-ribao.example/news/2021-08/17/content_88412.htm"
zh = f"""{saved_from(ZH_URL)}
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="gb18030">
<title>青川县发布暴雨橙色预警 多所学校推迟返校_青川日报</title>
</head>
<body>
<div class="content">
<h1>青川县发布暴雨橙色预警 多所学校推迟返校</h1>
<p class="info">2021年8月17日 来源：青川日报</p>
<p>青川县气象台十七日上午发布暴雨橙色预警，预计未来二十四小时内县城及北部山区将出现大到暴雨，局部地区可能出现山洪和泥石流。</p>
<p>县教育局随后通知，原定本周返校的三所寄宿制学校推迟返校时间，具体日期另行通知。</p>
<blockquote class="twitter-tweet" data-lang="zh-cn"><p lang="zh" dir="ltr">【暴雨橙色预警】预计今天夜间到明天白天，我县北部山区有大到暴雨，请注意防范山洪、泥石流等次生灾害。 <a href="https://t.co/Gb7Yh3KsWn">pic.twitter.com/Gb7Yh3KsWn</a></p>&mdash; 青川县气象台🌧 (@qingchuan_qx) <a href="https://twitter.com/qingchuan_qx/status/1427543836056240133?ref_src=twsrc%5Etfw">2021年8月17日</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>气象部门提醒市民减少外出，远离河道和山坡地带。</p>
</div>
</body>
</html>
"""
write("gb18030.html", zh.encode("gb18030"))

# --- English page, UTF-16LE with BOM -----------------------------------------------------------

EN16_URL = "https://www.millbrookchronicle.example/arts/2023/01/19/old-mill-museum-reopens"
en16 = f"""{saved_from(EN16_URL)}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-16">
<title>Old Mill Museum reopens after two-year restoration | Millbrook Chronicle</title>
</head>
<body>
<article>
<h1>Old Mill Museum reopens after two-year restoration</h1>
<p>The Old Mill Museum reopened to visitors on Thursday after a two-year restoration that saw the water wheel turn for the first time since 1968.</p>
<p>Volunteers rebuilt the wheel's oak paddles by hand, using drawings found in the county archive. The mill will grind flour on the first Saturday of each month.</p>
<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">We&#39;re open! The wheel is turning, the kettle is on and the first bag of stone-ground flour is already sold 🌾 <a href="https://t.co/Mw2Qs8RfZk">pic.twitter.com/Mw2Qs8RfZk</a></p>&mdash; Old Mill Museum 🏛️ (@oldmill_museum) <a href="https://twitter.com/oldmill_museum/status/1616090491949940736?ref_src=twsrc%5Etfw">January 19, 2023</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>Entry is free for children under twelve. The museum is open Wednesday to Sunday.</p>
</article>
</body>
</html>
"""
write("utf16le-bom.html", b"\xff\xfe" + en16.encode("utf-16-le"))

# --- Flattened text with a UTF-8 BOM -----------------------------------------------------------

bom_txt = """Pop-up cinema returns to the old gasworks

The open-air cinema at the old gasworks site will return next week after organisers agreed a new licence with the council.

Last year's season was cut short after neighbours complained about late finishes. This time films will start at 7.30pm and end by 10pm.

It's back! Five nights, five films, one very big screen. Tickets go on sale Monday at noon. pic.twitter.com/Cq9Ln2Wd7P — Gasworks Screen (@gasworks_screen) September 4, 2020

Tickets cost £6, and blankets are available to borrow at the gate.
"""
write("utf8-bom.txt", b"\xef\xbb\xbf" + bom_txt.encode("utf-8"))

# --- Gzip: a UTF-8 page and a text file --------------------------------------------------------

GZ_URL = "https://www.fenlandvoice.example/news/2018/06/21/solstice-sunrise-crowds"
gz_page = f"""{saved_from(GZ_URL)}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Solstice sunrise draws record crowd to the dyke | Fenland Voice</title>
</head>
<body>
<article>
<h1>Solstice sunrise draws record crowd to the dyke</h1>
<p>More than 900 people gathered on the flood dyke at Ramsholt before dawn on Thursday to watch the sun rise on the longest day of the year.</p>
<p>The tradition began a decade ago with a handful of birdwatchers. Organisers now put on a coffee stall and a brass band.</p>
<blockquote class="twitter-tweet" data-lang="en" data-dnt="true"><p lang="en" dir="ltr">04:37 and there it is ☀️ What a crowd this morning – thank you all for coming and for taking your litter home. <a href="https://twitter.com/hashtag/Solstice?src=hash&amp;ref_src=twsrc%5Etfw">#Solstice</a> <a href="https://t.co/Sn4Rz1YkHd">pic.twitter.com/Sn4Rz1YkHd</a></p>&mdash; Ramsholt Dyke Walkers (@ramsholt_walks) <a href="https://twitter.com/ramsholt_walks/status/1009853478073225247?ref_src=twsrc%5Etfw">June 21, 2018</a></blockquote> <script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>The next gathering is planned for the winter solstice in December, when sunrise is a more civilised 8.05am.</p>
</article>
</body>
</html>
"""
write("gzip-page.html.gz", gzip.compress(gz_page.encode("utf-8"), compresslevel=9, mtime=0))

gz_text = """Harbour swim postponed after jellyfish bloom

The annual harbour swim has been postponed by a week after a large bloom of jellyfish drifted into the bay overnight.

Organisers said none of the species seen were dangerous, but the stings could be painful and there were too many to guarantee swimmers a clear course.

Sorry swimmers - the bay is full of jellyfish this morning. The swim moves to Saturday 18th, same time, same place. pic.twitter.com/Jf5Hw2Lp8X — Harbour Swim Club (@harbourswim_cl) July 9, 2015

Entries already made will be carried over automatically.
"""
write("gzip-text.txt.gz", gzip.compress(gz_text.encode("utf-8"), compresslevel=9, mtime=0))
