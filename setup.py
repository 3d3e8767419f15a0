"Packaging for minigpt: everything comes from settings.ini (nbdev 2 layout)."

from configparser import ConfigParser
from packaging.version import Version
import setuptools, shlex

assert Version(setuptools.__version__) >= Version('36.2')

config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

cfg_keys = 'version description keywords author author_email'.split()
expected = cfg_keys + "lib_name user branch license status min_python audience language".split()
for o in expected:
    assert o in cfg, f"missing expected setting: {o}"
setup_cfg = {o: cfg[o] for o in cfg_keys}

licenses = {
    'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License'),
    'mit': ('MIT License', 'OSI Approved :: MIT License'),
}
statuses = [
    '1 - Planning',
    '2 - Pre-Alpha',
    '3 - Alpha',
    '4 - Beta',
    '5 - Production/Stable',
    '6 - Mature',
    '7 - Inactive',
]
py_versions = '3.10 3.11 3.12 3.13'.split()

requirements = shlex.split(cfg.get('requirements', ''))
dev_requirements = shlex.split(cfg.get('dev_requirements', ''))
lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))
min_python = cfg['min_python']
console_scripts = [o.strip() for o in cfg.get('console_scripts', '').split() if o.strip()]
project_urls = {
    'Documentation': f"{cfg['doc_host'] % dict(cfg)}{cfg['doc_baseurl'] % dict(cfg)}".replace(
        '%(user)s', cfg['user']
    ).replace('%(repo)s', cfg['repo'])
}
if cfg.get('git_url'):
    project_urls['Source'] = cfg['git_url'].replace('%(user)s', cfg['user']).replace('%(repo)s', cfg['repo'])

setuptools.setup(
    name=cfg['lib_name'],
    license=lic[0],
    classifiers=[
        'Development Status :: ' + statuses[int(cfg['status'])],
        'Intended Audience :: ' + cfg['audience'].title(),
        'Natural Language :: ' + cfg['language'].title(),
    ]
    + [f'Programming Language :: Python :: {v}' for v in py_versions[py_versions.index(min_python) :]]
    + ([f'License :: {lic[1]}'] if lic[1] else []),
    url=project_urls.get('Source'),
    project_urls=project_urls,
    packages=setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data=True,
    # course data (fixture_path) and the reference model (minigpt:reference)
    package_data={cfg['lib_name']: ['fixtures/*', 'reference/*', 'reference/samples/*']},
    install_requires=requirements,
    extras_require={'dev': dev_requirements},
    python_requires='>=' + min_python,
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={
        'console_scripts': console_scripts,
        'nbdev': [f"{cfg['lib_name']}={cfg['lib_name']}._modidx:d"],
    },
    **setup_cfg,
)
