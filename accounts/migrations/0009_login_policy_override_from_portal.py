# The login policy moved from the portal app to accounts: the table is kept and renamed.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_passwordresetcode'),
        ('portal', '0003_login_policy_override'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LoginPolicyOverride',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('policy', models.CharField(choices=[('legacy', 'Trước 2024: mọi cách đăng nhập, không nhắc liên kết'), ('transition', 'Giai đoạn chuyển đổi: mọi cách đăng nhập, nhắc liên kết CCCD'), ('vneid_only', 'Từ 01/7/2024: VNeID là tài khoản duy nhất')], max_length=12, verbose_name='chính sách đăng nhập')),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='thời điểm đổi')),
                        ('changed_by', models.CharField(blank=True, default='', max_length=150, verbose_name='người đổi')),
                    ],
                    options={
                        'verbose_name': 'chính sách đăng nhập',
                        'verbose_name_plural': 'chính sách đăng nhập',
                        'constraints': [models.CheckConstraint(condition=models.Q(('policy__in', ['legacy', 'transition', 'vneid_only'])), name='login_policy_override_known_value')],
                        'db_table': 'portal_loginpolicyoverride',
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='loginpolicyoverride', table=None),
    ]
