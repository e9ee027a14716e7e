//! What [`MethodCore`](crate::MethodCore) reads from a method's configuration besides its
//! losses: its name, its architecture, its schedule and its checks.

use crate::{AutoencoderConfig, ModelError, Schedule};

/// The settings every method's configuration has. A configuration with the usual fields
/// (`model`, `seed`, `learning_rate`) implements it with [`method_config!`](crate::method_config).
pub trait MethodConfig: burn::config::Config + Clone {
    /// Short name for tables, file names and logs, such as `"vae"`.
    fn name(&self) -> &'static str;

    /// Checks every field the method cannot run with, naming the first bad one.
    fn check(&self) -> Result<(), ModelError>;

    /// The autoencoder architecture the method trains.
    fn architecture(&self) -> &AutoencoderConfig;

    /// The seed and the learning rates of the run.
    fn schedule(&self) -> Schedule;
}

/// Implements [`MethodConfig`] for a configuration with the fields `model`
/// ([`AutoencoderConfig`]), `seed` and `learning_rate`, and gives it a public `validate`
/// that checks the architecture, the learning rates and the method's own rules.
///
/// ```ignore
/// dotae_models::method_config!(VaeConfig, "vae", checks: |config| {
///     dotae_models::config_checks::non_negative("beta", config.beta)
/// });
/// // A method with an adversary names the field of the adversary's learning rate:
/// dotae_models::method_config!(AcaiConfig, "acai", adversary: critic_learning_rate,
///     checks: |config| { /* ... */ });
/// ```
#[macro_export]
macro_rules! method_config {
    ($config:ty, $name:literal, checks: |$c:ident| $checks:block) => {
        $crate::method_config!($config, $name, adversary: learning_rate, checks: |$c| $checks);
    };
    ($config:ty, $name:literal, adversary: $adversary:ident, checks: |$c:ident| $checks:block) => {
        impl $config {
            /// Checks every field the method cannot run with: the architecture, the learning
            /// rates and the method's own rules. The error names the first bad field.
            pub fn validate(&self) -> Result<(), $crate::ModelError> {
                self.model.validate()?;
                $crate::config_checks::positive("learning_rate", self.learning_rate)?;
                $crate::config_checks::positive(stringify!($adversary), self.$adversary)?;
                let $c = self;
                $checks
            }
        }

        impl $crate::MethodConfig for $config {
            fn name(&self) -> &'static str {
                $name
            }

            fn check(&self) -> Result<(), $crate::ModelError> {
                self.validate()
            }

            fn architecture(&self) -> &$crate::AutoencoderConfig {
                &self.model
            }

            fn schedule(&self) -> $crate::Schedule {
                $crate::Schedule {
                    seed: self.seed,
                    learning_rate: self.learning_rate,
                    adversary_learning_rate: self.$adversary,
                }
            }
        }
    };
}
